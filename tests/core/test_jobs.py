"""job_view's progress boundaries and the Scheduler's firing rules."""

from __future__ import annotations

import threading

import pytest

from mockservers.core.clock import VirtualClock
from mockservers.core.jobs import DONE, FAILED, IN_PROGRESS, INITIAL, Scheduler, job_view


# -- job_view ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("now", "status", "percent", "eta"),
    [
        (50.0, INITIAL, 0.0, 100),  # not started yet: clamped to the start
        (100.0, INITIAL, 0.0, 100),
        (109.9, INITIAL, 9.9, 91),
        (110.0, IN_PROGRESS, 10.0, 90),
        (150.5, IN_PROGRESS, 50.5, 50),  # eta rounds up
        (199.9, IN_PROGRESS, 99.9, 1),
        (200.0, DONE, 100.0, 0),
        (10_000.0, DONE, 100.0, 0),
    ],
)
def test_job_view_boundaries(now: float, status: str, percent: float, eta: int) -> None:
    view = job_view(100.0, 100.0, now)
    assert view.status == status
    assert view.percent == pytest.approx(percent)
    assert view.eta_seconds == eta
    assert view.elapsed == pytest.approx(max(0.0, now - 100.0))


def test_job_view_initial_fraction_is_configurable() -> None:
    assert job_view(0.0, 10.0, 4.9, initial_fraction=0.5).status == INITIAL
    assert job_view(0.0, 10.0, 5.0, initial_fraction=0.5).status == IN_PROGRESS
    assert job_view(0.0, 10.0, 0.0, initial_fraction=0.0).status == IN_PROGRESS


def test_zero_duration_job_is_done_at_once() -> None:
    view = job_view(100.0, 0.0, 100.0)
    assert (view.status, view.percent, view.eta_seconds) == (DONE, 100.0, 0)


def test_fail_at_fraction_stops_the_job_there() -> None:
    assert job_view(0.0, 100.0, 49.0, fail_at_fraction=0.5).status == IN_PROGRESS
    failed = job_view(0.0, 100.0, 50.0, fail_at_fraction=0.5)
    assert (failed.status, failed.percent, failed.eta_seconds) == (FAILED, 50.0, 0)
    later = job_view(0.0, 100.0, 500.0, fail_at_fraction=0.5)
    assert (later.status, later.percent) == (FAILED, 50.0)  # never reaches DONE


# -- Scheduler -----------------------------------------------------------------
@pytest.fixture
def clock() -> VirtualClock:
    clock = VirtualClock()
    clock.freeze()
    return clock


def test_events_fire_in_time_order_only_once_the_clock_passes_them(clock: VirtualClock) -> None:
    scheduler = Scheduler(clock)
    fired: list[str] = []
    t0 = clock.time()
    scheduler.schedule(t0 + 10, lambda: fired.append("ten"))
    scheduler.schedule(t0 + 5, lambda: fired.append("five"))
    scheduler.schedule(t0 + 20, lambda: fired.append("twenty"))
    scheduler.schedule(t0 + 10, lambda: fired.append("ten-again"))  # same time: FIFO
    assert scheduler.pending() == 4

    clock.advance(4.999)
    assert fired == []
    clock.advance(0.001)
    assert fired == ["five"]
    clock.advance(100)
    assert fired == ["five", "ten", "ten-again", "twenty"]
    assert scheduler.pending() == 0
    assert scheduler.run_due() == 0  # nothing fires twice


def test_set_fires_due_events_too(clock: VirtualClock) -> None:
    scheduler = Scheduler(clock)
    fired: list[float] = []
    at = clock.time() + 3600
    scheduler.schedule(at, lambda: fired.append(clock.time()))
    clock.set(at - 1)
    assert fired == []
    clock.set(at)
    assert fired == [at]


def test_event_in_the_past_fires_immediately(clock: VirtualClock) -> None:
    scheduler = Scheduler(clock)
    fired: list[str] = []
    scheduler.schedule(clock.time() - 1, lambda: fired.append("late"))
    assert fired == ["late"]
    assert scheduler.pending() == 0


def test_clear_drops_pending_events(clock: VirtualClock) -> None:
    scheduler = Scheduler(clock)
    fired: list[str] = []
    scheduler.schedule(clock.time() + 1, lambda: fired.append("x"))
    scheduler.schedule(clock.time() + 2, lambda: fired.append("y"))
    scheduler.clear()
    assert scheduler.pending() == 0
    clock.advance(10)
    assert fired == []


def test_a_failing_event_does_not_stop_the_others(clock: VirtualClock) -> None:
    scheduler = Scheduler(clock)
    fired: list[str] = []

    def boom() -> None:
        raise RuntimeError("event failed")

    scheduler.schedule(clock.time() + 1, boom)
    scheduler.schedule(clock.time() + 2, lambda: fired.append("after"))
    clock.advance(5)
    assert fired == ["after"]


def test_an_event_may_schedule_a_due_event_and_move_the_clock(clock: VirtualClock) -> None:
    """Regression: this used to deadlock on the scheduler's firing lock."""
    scheduler = Scheduler(clock)
    fired: list[str] = []
    t0 = clock.time()

    def first() -> None:
        fired.append("first")
        scheduler.schedule(clock.time(), lambda: fired.append("chained"))
        clock.advance(1)  # notifies the scheduler from inside an action

    scheduler.schedule(t0 + 1, first)
    scheduler.schedule(t0 + 3, lambda: fired.append("third"))
    worker = threading.Thread(target=clock.advance, args=(1,), daemon=True)
    worker.start()
    worker.join(timeout=5)
    assert not worker.is_alive(), "advancing the clock deadlocked"
    assert fired == ["first", "chained"]
    clock.advance(1)  # t0 + 3
    assert fired == ["first", "chained", "third"]


def test_waiter_thread_fires_events_in_real_time() -> None:
    clock = VirtualClock()  # running with real time
    scheduler = Scheduler(clock)
    done = threading.Event()
    fired_at: list[float] = []
    scheduler.start()
    try:
        at = clock.time() + 0.02

        def action() -> None:
            fired_at.append(clock.time())
            done.set()

        scheduler.schedule(at, action)
        assert done.wait(timeout=5), "the waiter thread never fired the event"
        assert fired_at[0] >= at
        assert scheduler.pending() == 0
    finally:
        scheduler.stop()


def test_waiter_thread_with_a_frozen_clock_fires_on_advance(clock: VirtualClock) -> None:
    scheduler = Scheduler(clock)
    scheduler.start()
    try:
        done = threading.Event()
        scheduler.schedule(clock.time() + 60, done.set)
        assert not done.is_set()
        assert scheduler.pending() == 1
        clock.advance(60)
        assert done.is_set()  # fired by the jump itself, no waiting needed
    finally:
        scheduler.stop()


def test_scheduler_restarts_after_stop() -> None:
    clock = VirtualClock()
    scheduler = Scheduler(clock)
    scheduler.start()
    scheduler.stop()
    scheduler.start()
    try:
        done = threading.Event()
        scheduler.schedule(clock.time() + 0.01, done.set)
        assert done.wait(timeout=5)
    finally:
        scheduler.stop()


def test_run_due_waits_for_an_event_another_thread_is_still_firing() -> None:
    # A clock jump must return only once the events it made due have completed, even when
    # another thread (the waiter, or a request) popped the event first and is still running it.
    real = [1000.0]
    clock = VirtualClock(real_time=lambda: real[0])
    scheduler = Scheduler(clock)
    started, release, finished = threading.Event(), threading.Event(), threading.Event()

    def slow() -> None:
        started.set()
        release.wait(timeout=5)
        finished.set()

    scheduler.schedule(1010.0, slow)
    real[0] = 1010.0  # due in "real time", no clock jump: nobody is told
    first = threading.Thread(target=scheduler.run_due)
    first.start()
    assert started.wait(timeout=5)
    seen: list[bool] = []
    second = threading.Thread(target=lambda: (scheduler.run_due(), seen.append(finished.is_set())))
    second.start()
    second.join(timeout=0.2)  # with the old fast path it returned at once, before the event finished
    release.set()
    first.join(timeout=5)
    second.join(timeout=5)
    assert seen == [True]


# -- Job records and on-done hooks -----------------------------------------------
def test_job_record_reads_like_job_view_and_round_trips() -> None:
    from mockservers.core.jobs import Job

    job = Job(started_at=100.0, duration=10.0, fail_at_fraction=0.5)
    assert job.ends_at == 105.0
    assert job.view(104.9).status == IN_PROGRESS and job.view(105.0).status == FAILED
    assert job.view(104.0) == job_view(100.0, 10.0, 104.0, fail_at_fraction=0.5)
    assert Job.from_dict(job.to_dict()) == job
    assert Job(0.0, 10.0).ends_at == 10.0


def test_on_done_fires_once_when_the_clock_passes_the_end() -> None:
    from mockservers.core.jobs import Job

    clock = VirtualClock()
    clock.freeze()  # only advance() moves it, so the boundaries are exact
    scheduler = Scheduler(clock)
    start = clock.time()
    done: list[tuple[str, float]] = []
    scheduler.schedule_job(Job(start, 10.0), lambda view: done.append((view.status, view.percent)))
    failing = Job(start, 10.0, fail_at_fraction=0.3)
    scheduler.schedule_job(failing, lambda view: done.append((view.status, view.percent)))
    clock.advance(2.9)
    assert done == []
    clock.advance(0.1)
    assert done == [(FAILED, 30.0)]
    clock.advance(7.0)
    assert done == [(FAILED, 30.0), (DONE, 100.0)]
    clock.advance(100.0)
    assert len(done) == 2 and scheduler.pending() == 0


def test_reading_a_job_fires_nothing() -> None:
    from mockservers.core.jobs import Job

    clock = VirtualClock()
    scheduler = Scheduler(clock)
    fired: list[str] = []
    job = Job(clock.time() - 100.0, 10.0)  # already past its end
    assert job.view(clock.time()).status == DONE and fired == []  # a pure read
    scheduler.schedule_job(job, lambda view: fired.append(view.status))
    assert fired == [DONE]  # scheduling a job already over fires its hook at once
