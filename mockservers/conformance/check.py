"""`contracts check`: a conformance walk against any server, emulator or real provider.

Each provider has a walk (``mockservers/<provider>/walk.py``, function
``walk(w)``) that logs in, then calls each endpoint's documented happy path
and main errors through :class:`Walk`, which checks every answer against the
contracts and the expected status. Against an emulator (detected by its
``/__admin/``), waits advance the virtual clock; against a real provider they
wait on the wall clock.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

import requests
from requests.auth import AuthBase

from mockservers.conformance.report import Report, endpoint_label
from mockservers.conformance.traffic import PROBE_HEADER
from mockservers.core.contracts import contract_set
from mockservers.core.journal import summarize_body
from mockservers.registry import walk_of


class SessionBearer(AuthBase):
    """The session's login as ``Authorization: Bearer <token>``, unless a request sends another form.

    A request without an Authorization header, or with one of the Bearer scheme (whatever its
    token: the session holds the credentials), gets the session's token. A header of any other
    form is sent as it is: a caller's deliberately broken header (a fuzzer's negative case) then
    reaches the server as generated instead of being replaced by the login.
    """

    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, prepared: requests.PreparedRequest) -> requests.PreparedRequest:
        sent = prepared.headers.get("Authorization")
        if sent is None or sent.split(" ", 1)[0].lower() == "bearer":
            prepared.headers["Authorization"] = f"Bearer {self.token}"
        return prepared


class Walk:
    """A conformance walk's session: calls, checks, records; skips writes when read-only."""

    def __init__(
        self,
        provider: str,
        base_url: str,
        credentials: dict[str, Any],
        read_only: bool = False,
        session: requests.Session | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.provider = provider
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        self.read_only = read_only
        self.session = session or requests.Session()
        self.timeout = timeout
        self.contracts = contract_set(provider)
        mode = "read-only" if read_only else "read-write"
        self.report = Report(provider, f"{provider}: contract check of {self.base_url} ({mode})")
        self.is_emulator = self._detect_emulator()
        self.values: dict[str, Any] = {}

    def _detect_emulator(self) -> bool:
        try:
            answer = self.session.get(self.base_url + "/__admin/", timeout=self.timeout)
            return answer.status_code == 200 and answer.json().get("provider") == self.provider
        except (requests.RequestException, ValueError, AttributeError):
            return False

    def url(self, path: str) -> str:
        """An absolute URL for a path (absolute URLs, e.g. ones the API answered, pass through)."""
        return path if "://" in path else urljoin(self.base_url + "/", path.lstrip("/"))

    def call(
        self,
        method: str,
        path: str,
        expect: int | tuple[int, ...] = 200,
        writes: bool = False,
        why: str = "",
        **kwargs: Any,
    ) -> requests.Response | None:
        """Make one request and check it; None when skipped (read-only) or unreachable."""
        url = self.url(path)
        route = urlsplit(url).path
        endpoint = self.contracts.endpoint_for(method, route)
        label = endpoint_label(endpoint.method, endpoint.path) if endpoint else endpoint_label(method, route)
        context = f"{why or 'call'} -> "
        if writes and self.read_only:
            self.report.skipped(label, f"read-only: {why or 'this call writes'}")
            return None
        kwargs.setdefault("timeout", self.timeout)
        expected = (expect,) if isinstance(expect, int) else expect
        negative = all(status >= 400 for status in expected)
        if negative:
            # Marked so that traffic recorded meanwhile can be verified without these deliberate bad requests.
            kwargs["headers"] = {**(kwargs.get("headers") or {}), PROBE_HEADER: "negative"}
        try:
            response = self.session.request(method, url, **kwargs)
        except requests.RequestException as exc:
            self.report.violation(label, f"{why or method}: request failed ({type(exc).__name__}: {exc})")
            return None
        if response.status_code not in expected:
            excerpt = response.text[:120].replace("\n", " ")
            self.report.violation(label, f"{why or method}: expected status {'/'.join(map(str, expected))}, got {response.status_code}: {excerpt}")
        body = summarize_body(response.headers.get("Content-Type", ""), response.content, len(response.content))
        request_json = kwargs.get("json")
        if request_json is None and isinstance(kwargs.get("data"), (str, bytes)):
            try:
                request_json = json.loads(kwargs["data"])
            except ValueError:
                request_json = None
        query = dict(parse_qsl(urlsplit(response.request.url or url).query, keep_blank_values=True))
        # A call meant to be refused sends a bad request on purpose; only its answer is checked.
        found = self.contracts.check_exchange(
            method, route, response.status_code, body.get("json"), "json" in body,
            request_json=request_json, query=query, check_request=all(status < 400 for status in expected),
        )
        self.report.violations(label, found, context=f"{context}{response.status_code}")
        return response

    def skip(self, method: str, rule: str, why: str) -> None:
        """Record an endpoint the walk did not call, and why."""
        self.report.skipped(endpoint_label(method, rule), why)

    def wait_until(self, done: Callable[[], bool], seconds: float, step: float = 1.0) -> bool:
        """Poll ``done`` for up to ``seconds``: advancing an emulator's clock, else sleeping for real."""
        waited = 0.0
        while waited <= seconds:
            if done():
                return True
            if self.is_emulator:
                self.session.post(self.base_url + "/__admin/clock", json={"advance_seconds": step}, timeout=self.timeout)
            else:
                time.sleep(step)  # a real provider's jobs take real time
            waited += step
        return done()


def load_walk(provider: str) -> Callable[[Walk], None] | None:
    """The provider's walk function, if it has one (Provider.walk, else its ``walk.walk``)."""
    return walk_of(provider)


def run_check(provider: str, base_url: str, credentials: dict[str, Any], read_only: bool = False) -> Report:
    """Walk one provider's API at ``base_url`` and report per endpoint."""
    walk = Walk(provider, base_url, credentials, read_only=read_only)
    function = load_walk(provider)
    if function is None:
        for row in walk.report.rows.values():
            walk.report.skipped(row.endpoint, f"no conformance walk for {provider} yet")
        return walk.report
    try:
        function(walk)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        # An answer of an unexpected shape can stop the walk; that is itself a finding, not a crash.
        walk.report.violation("walk", f"stopped early: {type(exc).__name__}: {exc}")
    for row in walk.report.rows.values():
        if not row.exchanges and not row.notes:
            writes = not row.endpoint.startswith(("GET ", "HEAD "))
            walk.report.skipped(row.endpoint, "read-only: this endpoint writes" if read_only and writes else "not reached by the walk")
    return walk.report
