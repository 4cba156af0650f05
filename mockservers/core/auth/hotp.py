"""Time-windowed HOTP tokens: HMAC over a big-endian window counter, read from the virtual clock.

Blue Billywig's ``rpctoken`` is one instance (HMAC-SHA1, 120-second windows,
lowercase hex digest); the mechanism is generic, so it lives in the core.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
from collections.abc import Iterable


def window_counter(timestamp: float, window_seconds: int) -> int:
    """The counter of the window holding ``timestamp`` (floor of time / window)."""
    return int(timestamp // window_seconds)


def hotp_hex(secret: str | bytes, counter: int, digest: str = "sha1") -> str:
    """Lowercase hex HMAC of the 8-byte big-endian ``counter`` keyed with ``secret``."""
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    return hmac.new(key, struct.pack(">Q", counter), getattr(hashlib, digest)).hexdigest()


def matching_window(
    secret: str | bytes,
    token: str,
    timestamp: float,
    window_seconds: int,
    accepted_offsets: Iterable[int] = (-1, 0, 1),
    digest: str = "sha1",
) -> int | None:
    """The window offset (e.g. -1, 0, +1) whose token equals ``token``, or None (constant-time compares)."""
    current = window_counter(timestamp, window_seconds)
    found: int | None = None
    for offset in accepted_offsets:
        if hmac.compare_digest(hotp_hex(secret, current + offset, digest), token.lower()) and found is None:
            found = offset
    return found
