"""Seeded identifiers: same seed, same ids, in the same order."""

from __future__ import annotations

import random
import uuid
from typing import Any


class IdGenerator:
    """Deterministic ids drawn from a private ``random.Random``."""

    def __init__(self, seed: int | str) -> None:
        self.random = random.Random(f"ids:{seed}")

    def uuid(self) -> str:
        """A UUID4-shaped string."""
        return str(uuid.UUID(int=self.random.getrandbits(128), version=4))

    def hex(self, nbytes: int = 16) -> str:
        """Lowercase hex of ``nbytes`` random bytes."""
        return self.random.getrandbits(nbytes * 8).to_bytes(nbytes, "big").hex()

    def integer(self, bits: int = 64) -> int:
        """A random non-negative integer of ``bits`` bits."""
        return self.random.getrandbits(bits)

    def getstate(self) -> Any:
        """JSON-friendly generator state, for snapshots."""
        version, internal, gauss = self.random.getstate()
        return [version, list(internal), gauss]

    def setstate(self, state: Any) -> None:
        """Restore a state produced by :meth:`getstate`."""
        version, internal, gauss = state
        self.random.setstate((version, tuple(internal), gauss))
