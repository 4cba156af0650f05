"""Fault injection: rules matched by method and path that replace or delay responses."""

from __future__ import annotations

import fnmatch
import random
import re
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any

from mockservers.core.clock import VirtualClock

KINDS = ("status", "latency", "drop", "rate_limit")


class FaultSpecError(ValueError):
    """A fault rule that cannot be understood; the message says which field is wrong."""


@dataclass
class FaultRule:
    """One rule. ``path`` is a glob (``/videos/v1/*``) or, prefixed with ``re:``, a regex.

    kind:
      status      answer ``status`` with ``body`` (JSON or text) and ``headers``
      latency     delay the real response by ``latency_ms`` real milliseconds
      drop        close the connection without an answer
      rate_limit  allow ``limit`` requests per ``window_seconds`` of virtual time,
                  then 429 with ``Retry-After``
    ``times`` limits how often the rule applies (fail the next N times);
    ``probability`` applies it to a seeded random share of matching requests.
    """

    kind: str = "status"
    method: str = "*"
    path: str = "*"
    status: int = 500
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    latency_ms: int = 0
    times: int | None = None
    probability: float = 1.0
    limit: int = 10
    window_seconds: float = 60.0
    id: str = ""
    hits: int = 0

    def to_json(self) -> dict[str, Any]:
        """JSON view for the admin API."""
        return asdict(self)


@dataclass(frozen=True)
class FaultAction:
    """What the middleware must do for one request."""

    rule: FaultRule
    kind: str
    status: int = 0
    body: Any = None
    headers: tuple[tuple[str, str], ...] = ()
    latency_ms: int = 0


def parse_rule(data: dict[str, Any]) -> FaultRule:
    """Build a rule from admin/Python input, naming the field that is wrong."""
    if not isinstance(data, dict):
        raise FaultSpecError("a fault rule must be a JSON object")
    allowed = {f for f in FaultRule.__dataclass_fields__ if f not in ("id", "hits")}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise FaultSpecError(f"unknown fault field(s): {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")
    rule = FaultRule(**data)
    if rule.kind not in KINDS:
        raise FaultSpecError(f"kind must be one of {', '.join(KINDS)}, not {rule.kind!r}")
    if not isinstance(rule.method, str) or not isinstance(rule.path, str):
        raise FaultSpecError("method and path must be strings")
    if not isinstance(rule.status, int) or not 100 <= rule.status <= 599:
        raise FaultSpecError("status must be an integer HTTP status between 100 and 599")
    if not isinstance(rule.latency_ms, int) or not 0 <= rule.latency_ms <= 60_000:
        raise FaultSpecError("latency_ms must be an integer between 0 and 60000")
    if rule.times is not None and (not isinstance(rule.times, int) or rule.times < 1):
        raise FaultSpecError("times must be a positive integer or null")
    if not isinstance(rule.probability, (int, float)) or not 0.0 <= rule.probability <= 1.0:
        raise FaultSpecError("probability must be a number between 0 and 1")
    if not isinstance(rule.limit, int) or rule.limit < 0:
        raise FaultSpecError("limit must be a non-negative integer")
    if not isinstance(rule.window_seconds, (int, float)) or rule.window_seconds <= 0:
        raise FaultSpecError("window_seconds must be a positive number")
    if not isinstance(rule.headers, dict) or not all(isinstance(v, str) for v in rule.headers.values()):
        raise FaultSpecError("headers must be an object of string values")
    if rule.path.startswith("re:"):
        try:
            re.compile(rule.path[3:])
        except re.error as exc:
            raise FaultSpecError(f"path regex does not compile: {exc}") from None
    return rule


class FaultRegistry:
    """The active rules of one emulator, matched in the order they were added."""

    def __init__(self, clock: VirtualClock, seed: int | str = 0) -> None:
        self.clock = clock
        self._seed = seed
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Remove all rules and reseed the probability generator."""
        with self._lock:
            self._rules: list[FaultRule] = []
            self._random = random.Random(f"faults:{self._seed}")
            self._windows: dict[str, deque[float]] = {}
            self._counter = 0

    def add(self, rule: FaultRule | dict[str, Any] | None = None, **fields: Any) -> FaultRule:
        """Add a rule (a FaultRule, a dict, or keyword fields); returns it with its id."""
        if isinstance(rule, dict) or rule is None:
            rule = parse_rule({**(rule or {}), **fields})
        with self._lock:
            self._counter += 1
            rule.id = f"fault-{self._counter}"
            self._rules.append(rule)
        return rule

    def remove(self, rule_id: str) -> bool:
        """Remove one rule by id; False if there was none."""
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if r.id != rule_id]
            return len(self._rules) != before

    def rules(self) -> list[FaultRule]:
        """The active rules."""
        with self._lock:
            return list(self._rules)

    def match(self, method: str, path: str) -> FaultAction | None:
        """The action for this request, consuming a ``times`` budget if one applies."""
        if not self._rules:  # fast path: most requests meet no rules
            return None
        with self._lock:
            for rule in self._rules:
                if not _matches(rule, method, path):
                    continue
                if rule.kind == "rate_limit":
                    action = self._rate_limit(rule)
                    if action is None:
                        continue
                    return action
                if rule.probability < 1.0 and self._random.random() >= rule.probability:
                    continue
                rule.hits += 1
                if rule.times is not None:
                    rule.times -= 1
                    if rule.times <= 0:
                        self._rules.remove(rule)
                return FaultAction(
                    rule=rule,
                    kind=rule.kind,
                    status=rule.status,
                    body=rule.body,
                    headers=tuple(rule.headers.items()),
                    latency_ms=rule.latency_ms,
                )
        return None

    def _rate_limit(self, rule: FaultRule) -> FaultAction | None:
        now = self.clock.time()
        window = self._windows.setdefault(rule.id, deque())
        while window and window[0] <= now - rule.window_seconds:
            window.popleft()
        if len(window) < rule.limit:
            window.append(now)
            return None
        rule.hits += 1
        # limit=0 (every request refused) leaves the window empty: then a
        # whole window is the honest wait, and window[0] would IndexError.
        reopens = window[0] + rule.window_seconds if window else now + rule.window_seconds
        retry_after = max(1, int(reopens - now + 0.999))
        headers = {"Retry-After": str(retry_after), **rule.headers}
        return FaultAction(rule=rule, kind="status", status=429, body=rule.body, headers=tuple(headers.items()))


def _matches(rule: FaultRule, method: str, path: str) -> bool:
    if rule.method not in ("*", "") and rule.method.upper() != method.upper():
        return False
    if rule.path.startswith("re:"):
        return re.search(rule.path[3:], path) is not None
    return fnmatch.fnmatchcase(path, rule.path)


def sleep_real(milliseconds: int) -> None:
    """Latency faults delay the real response: the client's timeouts are real."""
    time.sleep(milliseconds / 1000.0)
