"""Outbound callbacks: real HTTP POSTs, retried with backoff on the virtual clock, journaled."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mockservers.core.callbacks import DELIVERED, FAILED, PENDING, CallbackDispatcher, CallbackReceiver
from mockservers.core.clock import VirtualClock
from mockservers.core.jobs import Scheduler
from mockservers.core.journal import Journal


@pytest.fixture
def dispatcher() -> Iterator[CallbackDispatcher]:
    clock = VirtualClock()
    clock.freeze()
    scheduler = Scheduler(clock)
    scheduler.start()
    found = CallbackDispatcher(clock, scheduler, Journal(clock), max_attempts=3, backoff_seconds=(10, 20), timeout_seconds=2)
    yield found
    found.close()
    scheduler.stop()


def test_delivers_json_once_and_journals_it(dispatcher: CallbackDispatcher, mockservers_callback_receiver: CallbackReceiver) -> None:
    delivery = dispatcher.send(mockservers_callback_receiver.url, {"event": "done", "n": 1}, headers={"X-Test": "yes"})
    assert dispatcher.wait_until(lambda: delivery.status == DELIVERED)
    received = mockservers_callback_receiver.wait_for(1)
    assert len(received) == 1
    assert received[0].method == "POST" and received[0].path == "/callback"
    assert received[0].json == {"event": "done", "n": 1}
    assert received[0].headers["Content-Type"] == "application/json"
    assert received[0].headers["X-Test"] == "yes"
    [entry] = dispatcher.journal.outbound()
    assert entry.outbound and entry.method == "POST" and entry.path == mockservers_callback_receiver.url
    assert entry.status == 200 and entry.request_json == {"event": "done", "n": 1}
    # Outbound exchanges stay out of the default listing (which provider contract checks read).
    assert dispatcher.journal.entries(include_admin=True) == []
    assert entry.to_json()["outbound"] is True


def test_retries_on_the_virtual_clock_until_delivered(
    dispatcher: CallbackDispatcher, mockservers_callback_receiver: CallbackReceiver
) -> None:
    mockservers_callback_receiver.fail_next(2, status=503)
    start = dispatcher.clock.time()
    delivery = dispatcher.send(mockservers_callback_receiver.url, {"k": "v"})
    assert dispatcher.wait_until(lambda: len(delivery.attempts) == 1)
    assert delivery.status == PENDING
    assert delivery.next_attempt_at == start + 10
    # The clock is frozen: nothing more happens until it moves.
    assert dispatcher.wait_idle()
    assert len(mockservers_callback_receiver.requests) == 1
    dispatcher.clock.advance(10)
    assert dispatcher.wait_until(lambda: len(delivery.attempts) == 2)
    assert delivery.next_attempt_at == start + 30  # second backoff step
    dispatcher.clock.advance(20)
    assert dispatcher.wait_until(lambda: delivery.status == DELIVERED)
    assert [a.status for a in delivery.attempts] == [503, 503, 200]
    assert [e.status for e in dispatcher.journal.outbound()] == [503, 503, 200]
    assert len(mockservers_callback_receiver.requests) == 3


def test_receiver_down_then_up(dispatcher: CallbackDispatcher, mockservers_callback_receiver: CallbackReceiver) -> None:
    mockservers_callback_receiver.go_down()
    delivery = dispatcher.send(mockservers_callback_receiver.url, {"k": 1})
    assert dispatcher.wait_until(lambda: len(delivery.attempts) == 1)
    first = delivery.attempts[0]
    assert first.status == 0 and first.error and "refused" in first.error.lower()
    [entry] = dispatcher.journal.outbound()
    assert entry.status == 0 and entry.dropped and "refused" in entry.response_body["text"].lower()
    mockservers_callback_receiver.come_up()
    dispatcher.clock.advance(10)
    assert dispatcher.wait_until(lambda: delivery.status == DELIVERED)
    assert mockservers_callback_receiver.requests[0].json == {"k": 1}


def test_gives_up_after_max_attempts(dispatcher: CallbackDispatcher, mockservers_callback_receiver: CallbackReceiver) -> None:
    mockservers_callback_receiver.fail_always(500)
    updates: list[str] = []
    delivery = dispatcher.send(mockservers_callback_receiver.url, {}, on_update=lambda d: updates.append(d.status))
    for attempts, wait in ((1, 10), (2, 20)):
        assert dispatcher.wait_until(lambda n=attempts: len(delivery.attempts) == n)
        dispatcher.clock.advance(wait)
    assert dispatcher.wait_until(lambda: delivery.status == FAILED)
    assert updates == [PENDING, PENDING, FAILED]
    assert delivery.next_attempt_at is None
    dispatcher.clock.advance(3600)
    assert dispatcher.wait_idle()
    assert len(mockservers_callback_receiver.requests) == 3
    assert delivery.to_json()["status"] == FAILED


def test_reset_forgets_pending_retries(dispatcher: CallbackDispatcher, mockservers_callback_receiver: CallbackReceiver) -> None:
    mockservers_callback_receiver.fail_always(500)
    delivery = dispatcher.send(mockservers_callback_receiver.url, {})
    assert dispatcher.wait_until(lambda: len(delivery.attempts) == 1)
    dispatcher.reset()
    dispatcher.clock.advance(60)
    assert dispatcher.wait_idle()
    assert dispatcher.deliveries() == []
    assert len(mockservers_callback_receiver.requests) == 1


def test_unreachable_url_is_a_failed_attempt_not_a_crash(dispatcher: CallbackDispatcher) -> None:
    delivery = dispatcher.send("http://127.0.0.1:1/nothing", {}, max_attempts=1)
    assert dispatcher.wait_until(lambda: delivery.status == FAILED)
    assert delivery.attempts[0].status == 0 and delivery.attempts[0].error


def test_receiver_scripts_failures_in_order() -> None:
    import urllib.request

    receiver = CallbackReceiver().start()
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        receiver.fail_next(1, status=502)
        codes = []
        for _ in range(2):
            try:
                codes.append(opener.open(urllib.request.Request(receiver.url, data=b"{}", method="POST"), timeout=5).status)
            except urllib.error.HTTPError as exc:
                codes.append(exc.code)
        assert codes == [502, 200]
        receiver.clear()
        assert receiver.requests == []
    finally:
        receiver.stop()


def test_one_large_clock_jump_runs_every_retry_due_within_it_in_order(
    dispatcher: CallbackDispatcher, mockservers_callback_receiver: CallbackReceiver
) -> None:
    mockservers_callback_receiver.fail_always(500)
    start = dispatcher.clock.time()
    delivery = dispatcher.send(mockservers_callback_receiver.url, {"k": "jump"})
    assert dispatcher.wait_until(lambda: len(delivery.attempts) == 1)
    dispatcher.clock.advance(3600)  # retries were due at +10 and +30: both run, in order
    assert dispatcher.wait_until(lambda: delivery.status == FAILED)
    assert [a.number for a in delivery.attempts] == [1, 2, 3]
    assert len(mockservers_callback_receiver.requests) == 3
    assert delivery.next_attempt_at is None and delivery.due_at == start + 30


def test_receiver_wait_for_raises_on_timeout(mockservers_callback_receiver: CallbackReceiver) -> None:
    # Nothing is sent, so the wait must end in an error naming what was expected (timeout 0: no wall-clock wait).
    with pytest.raises(TimeoutError, match="for 1 callback request"):
        mockservers_callback_receiver.wait_for(1, timeout=0)
