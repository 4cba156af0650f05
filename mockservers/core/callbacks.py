"""Outbound HTTP callbacks (webhooks): delivered off the request threads, retried on the virtual clock.

A provider calls :meth:`CallbackDispatcher.send` when something finishes (an
ingest, a transcode...). Each attempt is a real HTTP POST made by one worker
thread, so no API request waits on a slow receiver. A failed attempt (non-2xx
answer, refused connection, timeout) is retried after a backoff measured on
the emulator's :class:`~mockservers.core.clock.VirtualClock` (through the
:class:`~mockservers.core.jobs.Scheduler`), so tests move time instead of
sleeping; after ``max_attempts`` the delivery gives up. Every attempt is
recorded in the journal as an ``outbound`` exchange.

:class:`CallbackReceiver` is the other end for tests: a real HTTP server on
loopback that records what it receives and can fail or be down on request.
"""

from __future__ import annotations

import contextlib
import json
import logging
import queue
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from mockservers.core.clock import VirtualClock
from mockservers.core.jobs import Scheduler
from mockservers.core.journal import Journal, now_ms
from mockservers.core.server import ServerThread

log = logging.getLogger(__name__)

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
DEFAULT_BACKOFF_SECONDS: tuple[float, ...] = (10.0, 30.0, 60.0, 120.0)
DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_TIMEOUT_SECONDS = 5.0

# Callbacks go to the receiver named in the request, never through a proxy
# from the environment: an offline emulator calling a loopback test server.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class Attempt:
    """One try at delivering a callback."""

    number: int
    at: float
    status: int
    error: str | None
    duration_ms: float

    def to_json(self) -> dict[str, Any]:
        """JSON view."""
        return {"number": self.number, "at": self.at, "status": self.status, "error": self.error}


@dataclass
class Delivery:
    """A callback and what became of it."""

    id: int
    url: str
    payload: Any
    headers: dict[str, str]
    max_attempts: int
    backoff: tuple[float, ...]
    status: str = PENDING
    attempts: list[Attempt] = field(default_factory=list)
    next_attempt_at: float | None = None
    on_update: Callable[[Delivery], None] | None = None
    # The virtual instant the current attempt was due: backoff counts from it, not from when the
    # attempt ran, so one big clock jump runs every retry that fell due within it, in order.
    due_at: float | None = None

    def to_json(self) -> dict[str, Any]:
        """JSON view (for a provider's API or the tests)."""
        return {
            "url": self.url,
            "status": self.status,
            "attempts": [a.to_json() for a in self.attempts],
            "next_attempt_at": self.next_attempt_at,
        }


class CallbackDispatcher:
    """Delivers callbacks on one worker thread, retrying on the virtual clock."""

    def __init__(
        self,
        clock: VirtualClock,
        scheduler: Scheduler,
        journal: Journal,
        *,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        backoff_seconds: Iterable[float] = DEFAULT_BACKOFF_SECONDS,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        self.clock = clock
        self.scheduler = scheduler
        self.journal = journal
        self.max_attempts = max_attempts
        self.backoff = tuple(backoff_seconds)
        self.timeout_seconds = timeout_seconds
        self._queue: queue.Queue[tuple[int, Delivery] | None] = queue.Queue()
        self._cond = threading.Condition()
        self._deliveries: list[Delivery] = []
        self._counter = 0
        # Bumped by reset(): attempts queued or in flight before it are forgotten.
        self._generation = 0
        self._busy = 0
        self._version = 0  # bumped after every attempt, so waiters re-check their predicate
        self._thread: threading.Thread | None = None
        self._closed = False

    # -- API for providers ---------------------------------------------------
    def send(
        self,
        url: str,
        payload: Any,
        *,
        headers: dict[str, str] | None = None,
        max_attempts: int | None = None,
        backoff_seconds: Iterable[float] | None = None,
        on_update: Callable[[Delivery], None] | None = None,
    ) -> Delivery:
        """Queue a JSON POST to ``url``; returns at once. ``on_update`` runs after every attempt."""
        with self._cond:
            self._counter += 1
            delivery = Delivery(
                id=self._counter,
                url=url,
                payload=payload,
                headers={"Content-Type": "application/json", **(headers or {})},
                max_attempts=max(1, max_attempts or self.max_attempts),
                backoff=tuple(backoff_seconds) if backoff_seconds is not None else self.backoff,
                on_update=on_update,
                due_at=self.clock.time(),
            )
            self._deliveries.append(delivery)
            self._enqueue(delivery)
        return delivery

    def deliveries(self) -> list[Delivery]:
        """Every delivery since the last reset, oldest first."""
        with self._cond:
            return list(self._deliveries)

    def wait_until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
        """Block until ``predicate()`` holds (re-checked after every attempt) or ``timeout`` real seconds pass.

        The predicate runs without the dispatcher's lock, so it may call the emulator over HTTP.
        """
        deadline = time.monotonic() + timeout
        while True:
            with self._cond:
                seen = self._version
            if predicate():
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            with self._cond:
                self._cond.wait_for(lambda seen=seen: self._version != seen, remaining)

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Block until no attempt is queued or in flight (retries waiting on the clock do not count)."""
        return self.wait_until(lambda: self._busy == 0, timeout)

    def reset(self) -> None:
        """Forget every delivery; attempts already in flight finish unrecorded."""
        with self._cond:
            self._generation += 1
            self._deliveries.clear()
            self._busy = 0
            self._version += 1
            self._cond.notify_all()

    def close(self) -> None:
        """Stop the worker thread."""
        with self._cond:
            self._closed = True
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout=self.timeout_seconds + 2)

    # -- internals -------------------------------------------------------------
    def _enqueue(self, delivery: Delivery) -> None:
        # Called with self._cond held.
        if self._closed:
            return
        self._busy += 1
        self._queue.put((self._generation, delivery))
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="mockservers-callbacks", daemon=True)
            self._thread.start()

    def _retry(self, generation: int, delivery: Delivery, at: float) -> None:
        with self._cond:
            if generation == self._generation and delivery.status == PENDING:
                delivery.due_at = at
                self._enqueue(delivery)

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            generation, delivery = item
            with self._cond:
                if generation != self._generation:
                    continue
            attempt, exchange = self._post(delivery)
            with self._cond:
                if generation != self._generation:
                    continue  # a reset happened while the request was in flight
                self.journal.finish(exchange)
                delivery.attempts.append(attempt)
                delivery.next_attempt_at = None
                if 200 <= attempt.status < 300:
                    delivery.status = DELIVERED
                elif len(delivery.attempts) >= delivery.max_attempts:
                    delivery.status = FAILED
                else:
                    index = min(len(delivery.attempts) - 1, len(delivery.backoff) - 1)
                    delay = delivery.backoff[index] if delivery.backoff else 0.0
                    base = delivery.due_at if delivery.due_at is not None else self.clock.time()
                    delivery.next_attempt_at = base + delay
            if delivery.on_update is not None:
                try:
                    delivery.on_update(delivery)
                except Exception:  # a provider hook must not kill the worker
                    log.exception("callback on_update hook failed")
            if delivery.next_attempt_at is not None:
                at = delivery.next_attempt_at
                self.scheduler.schedule(at, lambda g=generation, d=delivery, a=at: self._retry(g, d, a))
            with self._cond:
                if generation == self._generation:
                    self._busy -= 1
                self._version += 1
                self._cond.notify_all()

    def _post(self, delivery: Delivery) -> tuple[Attempt, Any]:
        body = json.dumps(delivery.payload).encode()
        at = self.clock.time()
        exchange = self.journal.begin("POST", delivery.url, "", dict(delivery.headers), admin=False)
        exchange.outbound = True
        started = now_ms()
        status, error, answer, answer_type = 0, None, b"", ""
        request = urllib.request.Request(_wire_url(delivery.url), data=body, method="POST", headers=delivery.headers)
        try:
            with _OPENER.open(request, timeout=self.timeout_seconds) as response:
                status, answer, answer_type = response.status, response.read(), response.headers.get("Content-Type", "")
                headers = list(response.headers.items())
        except urllib.error.HTTPError as exc:
            status, answer, answer_type = exc.code, exc.read(), exc.headers.get("Content-Type", "")
            headers = list(exc.headers.items())
        except Exception as exc:  # refused, unreachable, timed out, or a URL urllib cannot use
            reason = getattr(exc, "reason", exc)
            error = f"{type(reason).__name__}: {reason}" if isinstance(reason, BaseException) else str(reason)
            headers = []
        duration = round(now_ms() - started, 3)
        exchange.status = status
        exchange.response_headers = headers
        exchange.dropped = status == 0
        exchange.duration_ms = duration
        if error is not None:
            answer, answer_type = error.encode(), "text/plain"
        exchange.set_raw_bodies(("application/json", body, len(body)), (answer_type, answer, len(answer)))
        return Attempt(len(delivery.attempts) + 1, at, status, error, duration), exchange


def _wire_url(url: str) -> str:
    """The URL as it goes on the wire: non-ASCII characters percent-encoded as UTF-8 (as browsers and
    requests do); urllib would refuse them. Existing %-escapes and the URL's delimiters stay as given."""
    return urllib.parse.quote(url, safe="!#$%&'()*+,/:;=?@[]~")


@dataclass
class ReceivedRequest:
    """One request a :class:`CallbackReceiver` got."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        """The body parsed as JSON (None when it is not JSON)."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None


class CallbackReceiver:
    """A real HTTP server that records callbacks; it can answer errors or be down (connection refused)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, path: str = "/callback") -> None:
        self.host = host
        self.path = path
        self._port = port
        self._server: ServerThread | None = None
        self._cond = threading.Condition()
        self._requests: list[ReceivedRequest] = []
        self._failures: list[int] = []
        self._fail_status: int | None = None

    def start(self) -> CallbackReceiver:
        """Listen (again on the same port after :meth:`go_down`)."""
        if self._server is None:
            self._server = ServerThread(self._app, self.host, self._port).start()
            self._port = self._server.port
        return self

    def stop(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.stop()
            self._server = None

    def go_down(self) -> None:
        """Close the socket: callbacks now get 'connection refused' until :meth:`come_up`."""
        self.stop()

    def come_up(self) -> None:
        """Listen again on the same port."""
        self.start()

    @property
    def url(self) -> str:
        """The URL to hand out as a callback URL."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self._port}{self.path}"

    def fail_next(self, count: int, status: int = 500) -> None:
        """Answer the next ``count`` requests with ``status``."""
        with self._cond:
            self._failures.extend([status] * count)

    def fail_always(self, status: int | None = 500) -> None:
        """Answer every request with ``status`` (None: back to 200)."""
        with self._cond:
            self._fail_status = status

    @property
    def requests(self) -> list[ReceivedRequest]:
        """Requests received so far, oldest first."""
        with self._cond:
            return list(self._requests)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[ReceivedRequest]:
        """Block until ``count`` requests arrived; returns them all. TimeoutError after ``timeout`` real seconds."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self._requests) >= count, timeout):
                # A quiet return made a test's next assertion fail far from the cause.
                raise TimeoutError(f"waited {timeout}s for {count} callback request(s); {len(self._requests)} arrived")
            return list(self._requests)

    def clear(self) -> None:
        """Forget the recorded requests and scripted failures."""
        with self._cond:
            self._requests.clear()
            self._failures.clear()
            self._fail_status = None

    def _app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        headers = {k[5:].replace("_", "-").title(): v for k, v in environ.items() if k.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        with self._cond:
            self._requests.append(ReceivedRequest(environ["REQUEST_METHOD"], environ.get("PATH_INFO", "/"), headers, body))
            status = self._failures.pop(0) if self._failures else (self._fail_status or 200)
            self._cond.notify_all()
        answer = json.dumps({"received": status < 300}).encode()
        with contextlib.suppress(Exception):
            phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Scripted"
            start_response(f"{status} {phrase}", [("Content-Type", "application/json"), ("Content-Length", str(len(answer)))])
        return [answer]
