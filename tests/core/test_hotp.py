"""Time-windowed HOTP (core/auth/hotp.py): RFC-style values and window acceptance."""

from __future__ import annotations

import hashlib
import hmac
import struct

from mockservers.core.auth.hotp import hotp_hex, matching_window, window_counter


def test_token_is_hmac_sha1_of_the_big_endian_counter() -> None:
    expected = hmac.new(b"s3cret", struct.pack(">Q", 14_000_000), hashlib.sha1).hexdigest()
    assert hotp_hex("s3cret", 14_000_000) == expected
    assert len(expected) == 40 and expected == expected.lower()


def test_window_counter_floors() -> None:
    assert window_counter(239.9, 120) == 1
    assert window_counter(240.0, 120) == 2


def test_adjacent_windows_accepted_others_refused() -> None:
    now = 1_800_000_000.0
    for offset in (-1, 0, 1):
        token = hotp_hex("k", window_counter(now, 120) + offset)
        assert matching_window("k", token, now, 120) == offset
    assert matching_window("k", hotp_hex("k", window_counter(now, 120) + 2), now, 120) is None
    assert matching_window("k", hotp_hex("k", window_counter(now, 120) - 2), now, 120) is None
    assert matching_window("other", hotp_hex("k", window_counter(now, 120)), now, 120) is None
    assert matching_window("k", hotp_hex("k", window_counter(now, 120)).upper(), now, 120) == 0
