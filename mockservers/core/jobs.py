"""Clock-driven jobs and scheduled events.

A job's status and percent are a pure function of the virtual clock, so a test
that advances the clock sees progress at once. Events (callbacks) are queued
on the clock and fire when it passes them: on a jump (advance/set) at once,
and in real time through a small waiter thread while the server runs.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from mockservers.core.clock import VirtualClock

log = logging.getLogger(__name__)

INITIAL, IN_PROGRESS, DONE, FAILED = "INITIAL", "IN_PROGRESS", "DONE", "FAILED"


@dataclass(frozen=True)
class JobView:
    """What a job looks like at one instant."""

    status: str
    percent: float
    eta_seconds: int
    elapsed: float


def job_view(
    started_at: float,
    duration: float,
    now: float,
    *,
    initial_fraction: float = 0.1,
    fail_at_fraction: float | None = None,
) -> JobView:
    """Status and progress of a job that started at ``started_at`` and lasts ``duration`` seconds.

    The first ``initial_fraction`` of the run is INITIAL (queued); a job that
    is to fail stops at ``fail_at_fraction`` with FAILED.
    """
    duration = max(duration, 0.0)
    elapsed = max(0.0, now - started_at)
    fraction = 1.0 if duration == 0 else min(1.0, elapsed / duration)
    if fail_at_fraction is not None and fraction >= fail_at_fraction:
        return JobView(FAILED, round(fail_at_fraction * 100.0, 1), 0, elapsed)
    if fraction >= 1.0:
        return JobView(DONE, 100.0, 0, elapsed)
    status = INITIAL if fraction < initial_fraction else IN_PROGRESS
    eta = int(max(0.0, duration - elapsed) + 0.999)
    return JobView(status, round(fraction * 100.0, 1), eta, elapsed)


@dataclass
class Job:
    """A clock-driven job's record: plain data, so it lives in state and survives snapshots.

    Read it with :meth:`view` (pure: no I/O, no mutation). To act when it ends
    (store an output, send a callback), give an on-done hook to
    :meth:`Scheduler.schedule_job`; hooks are code, so they are kept by the
    scheduler, not in the record.
    """

    started_at: float
    duration: float
    fail_at_fraction: float | None = None
    initial_fraction: float = 0.1

    @property
    def ends_at(self) -> float:
        """When the job reaches DONE, or FAILED when it is to fail."""
        fraction = 1.0 if self.fail_at_fraction is None else min(1.0, self.fail_at_fraction)
        return self.started_at + max(self.duration, 0.0) * fraction

    def view(self, now: float) -> JobView:
        """The job at ``now`` (see :func:`job_view`)."""
        return job_view(
            self.started_at, self.duration, now, initial_fraction=self.initial_fraction, fail_at_fraction=self.fail_at_fraction
        )

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-able fields."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Job:
        """A record back from :meth:`to_dict`."""
        return cls(**data)


class Scheduler:
    """Events queued on the virtual clock, fired in time order."""

    def __init__(self, clock: VirtualClock) -> None:
        self.clock = clock
        self._queue: list[tuple[float, int, Callable[[], None]]] = []
        self._counter = itertools.count()
        self._cond = threading.Condition()
        self._firing = threading.Lock()
        # Marks the thread that is inside run_due, so an action that schedules
        # a due event or moves the clock does not deadlock on ``_firing``.
        self._local = threading.local()
        self._thread: threading.Thread | None = None
        self._stopping = False
        clock.add_listener(self._on_clock_change)

    def schedule(self, at: float, action: Callable[[], None]) -> None:
        """Run ``action`` once the virtual clock reaches ``at`` (POSIX seconds)."""
        with self._cond:
            heapq.heappush(self._queue, (at, next(self._counter), action))
            self._cond.notify_all()
        if at <= self.clock.time():
            self.run_due()

    def schedule_job(self, job: Job, on_done: Callable[[JobView], None]) -> None:
        """Call ``on_done(view)`` once the clock passes the job's end (DONE, or FAILED at its fail point).

        The hook runs on the thread that moved the clock or noticed the time
        (a request's start, a clock jump, the waiter thread), never while the
        scheduler holds a lock, and callers must not hold a state lock when
        moving the clock: the hook takes the state lock itself if it changes
        state. Read paths never do the hook's work (no network I/O on reads).
        """
        self.schedule(job.ends_at, lambda: on_done(job.view(self.clock.time())))

    def pending(self) -> int:
        """How many events have not fired yet."""
        with self._cond:
            return len(self._queue)

    def clear(self) -> None:
        """Drop every pending event (reset)."""
        with self._cond:
            self._queue.clear()
            self._cond.notify_all()

    def run_due(self) -> int:
        """Fire every event whose time has come; returns how many fired."""
        if getattr(self._local, "firing", False):
            # Called from inside an action (schedule() of a due event, or a
            # clock jump): the outer loop re-checks the queue head after the
            # action returns, so the new event still fires, in time order.
            return 0
        if not self._queue and not self._firing.locked():
            # Fast path on every request; a racing schedule() fires itself. While another
            # thread is firing, its popped event may still be running: wait for it below,
            # so a clock jump returns only after the events it made due have completed.
            return 0
        fired = 0
        # One firer at a time keeps events in order even when a request and
        # the waiter thread notice the same due time together.
        with self._firing:
            self._local.firing = True
            try:
                while True:
                    with self._cond:
                        if not self._queue or self._queue[0][0] > self.clock.time():
                            break
                        _, _, action = heapq.heappop(self._queue)
                    try:
                        action()
                    except Exception:  # an event must never take the server down
                        log.exception("scheduled event failed")
                    fired += 1
            finally:
                self._local.firing = False
        return fired

    def start(self) -> None:
        """Start the real-time waiter (idempotent)."""
        if self._thread is not None:
            return
        self._stopping = False
        self._thread = threading.Thread(target=self._wait_loop, name="mockservers-scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the waiter thread."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None

    def _on_clock_change(self) -> None:
        with self._cond:
            self._cond.notify_all()
        self.run_due()

    def _wait_loop(self) -> None:
        while True:
            with self._cond:
                if self._stopping:
                    return
                if not self._queue or self.clock.frozen:
                    timeout = None
                else:
                    timeout = max(0.0, self._queue[0][0] - self.clock.time())
                if timeout is None or timeout > 0:
                    self._cond.wait(timeout)
                if self._stopping:
                    return
            self.run_due()
