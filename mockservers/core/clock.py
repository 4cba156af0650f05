"""The virtual clock: every timestamp, expiry and job progress reads it."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone

# The virtual clock stays within 1970..2999: every formatter (HTTP Date, ISO 8601 in answers and the
# journal) handles that range, and no test needs more. A bigger jump is refused, not wrapped.
MIN_EPOCH = 0.0
MAX_EPOCH = 32503680000.0  # 3000-01-01T00:00:00Z
MAX_ADVANCE_SECONDS = 100 * 366 * 86400.0


def check_instant(epoch: float) -> float:
    """``epoch`` if it is finite and within the clock's range, else ValueError."""
    if not isinstance(epoch, (int, float)) or isinstance(epoch, bool) or not math.isfinite(epoch):
        raise ValueError(f"the clock needs a finite number of seconds, got {epoch!r}")
    if not MIN_EPOCH <= epoch < MAX_EPOCH:
        raise ValueError("the virtual clock stays between 1970-01-01 and 3000-01-01 (UTC)")
    return float(epoch)


def utc_datetime(epoch: float) -> datetime:
    """An aware UTC datetime for ``epoch``, clamped to the clock's range (formatting never overflows)."""
    if not math.isfinite(epoch):
        epoch = MIN_EPOCH
    return datetime.fromtimestamp(min(max(epoch, MIN_EPOCH), MAX_EPOCH), tz=timezone.utc)


def parse_iso8601(text: str) -> datetime:
    """Parse an ISO 8601 timestamp; naive values are taken as UTC."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


class VirtualClock:
    """A clock that follows real time until frozen, advanced or set.

    The virtual time is ``anchor_virtual + (real_now - anchor_real)`` while it
    runs, and ``anchor_virtual`` while frozen. Listeners are told after every
    jump so scheduled events can fire when a test moves time forward.

    The anchors live in one tuple replaced whole under the lock, so a read (on
    every request, often several times) takes no lock and never sees half a jump.
    """

    def __init__(self, real_time: Callable[[], float] = time.time) -> None:
        self._real_time = real_time
        self._lock = threading.Lock()
        self._anchors: tuple[float, float, bool] = (0.0, 0.0, False)  # (real, virtual, frozen)
        self._listeners: list[Callable[[], None]] = []
        self.reset()

    def reset(self) -> None:
        """Return to real time, running (not frozen)."""
        with self._lock:
            now = self._real_time()
            self._anchors = (now, now, False)
        self._notify()

    def time(self) -> float:
        """Virtual now as POSIX seconds."""
        anchor_real, anchor_virtual, frozen = self._anchors
        if frozen:
            return anchor_virtual
        return anchor_virtual + (self._real_time() - anchor_real)

    def now(self) -> datetime:
        """Virtual now as an aware UTC datetime."""
        return utc_datetime(self.time())

    @property
    def frozen(self) -> bool:
        """True while time stands still."""
        return self._anchors[2]

    def freeze(self, frozen: bool = True) -> None:
        """Stop (or restart) the passage of time at the current virtual instant."""
        with self._lock:
            current = self.time()
            self._anchors = (self._real_time(), current, frozen)
        self._notify()

    def advance(self, seconds: float) -> None:
        """Jump forward (never backward) by ``seconds``."""
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError("the clock only moves forward: advance_seconds must be finite and >= 0")
        with self._lock:
            target = check_instant(self.time() + seconds)
            self._anchors = (self._real_time(), target, self._anchors[2])
        self._notify()

    def set(self, when: datetime | float) -> None:
        """Jump to an absolute instant (a datetime or POSIX seconds)."""
        target = check_instant(when.timestamp() if isinstance(when, datetime) else float(when))
        with self._lock:
            self._anchors = (self._real_time(), target, self._anchors[2])
        self._notify()

    def describe(self) -> dict[str, object]:
        """JSON view used by the admin API."""
        return {"now": self.now().isoformat().replace("+00:00", "Z"), "epoch": self.time(), "frozen": self._anchors[2]}

    def add_listener(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after every freeze, advance, set or reset."""
        self._listeners.append(listener)

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()
