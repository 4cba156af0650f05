"""`mockservers contracts proxy`: a validation proxy in front of a real provider (or any upstream).

Every request is forwarded unchanged; the request and the answer are checked against the
provider's contracts, each violation is printed as it happens, and the traffic can be recorded
as HAR or JSON lines for `verify-journal`. With ``strict``, a violating exchange is answered with a
clear error instead (a request that breaks its contract is then not forwarded at all).
"""

from __future__ import annotations

import argparse
import base64
import json
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import parse_qsl

import requests

from mockservers.conformance.report import describe
from mockservers.core.contracts import Violation, contract_set
from mockservers.core.journal import summarize_body
from mockservers.core.server import ServerThread

# Hop-by-hop headers (RFC 9110 7.6.1) and those the HTTP stack recomputes are not passed on.
_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "host", "content-length", "content-encoding"}
# Requests and answers larger than this are forwarded but their bodies are not parsed for checking.
CHECK_LIMIT = 8 * 1024 * 1024


@dataclass
class ProxyExchange:
    """One forwarded exchange and what the contracts said about it."""

    method: str
    path: str
    query: str
    request_headers: dict[str, str]
    request_body: bytes
    status: int = 0
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: bytes = b""
    violations: list[Violation] = field(default_factory=list)
    started: str = ""
    blocked: bool = False


class Recorder:
    """Writes exchanges to a ``.jsonl`` (journal lines) or ``.har`` file; HAR is rewritten whole on close."""

    def __init__(self, path: Path, upstream: str) -> None:
        self.path = path
        self.upstream = upstream.rstrip("/")
        self.har = path.suffix.lower() == ".har"
        self._entries: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._seq = 0
        path.write_text("" if not self.har else json.dumps(self._har_document()))

    def add(self, exchange: ProxyExchange) -> None:
        """Record one exchange (JSON lines are appended at once, so a killed proxy keeps what it saw)."""
        with self._lock:
            self._seq += 1
            if self.har:
                self._entries.append(self._har_entry(exchange))
                self.path.write_text(json.dumps(self._har_document()))
            else:
                with self.path.open("a") as out:
                    out.write(json.dumps(self._journal_entry(exchange)) + "\n")

    def _journal_entry(self, e: ProxyExchange) -> dict[str, Any]:
        return {
            "seq": self._seq, "time": e.started, "method": e.method, "path": e.path, "query": e.query,
            "request_headers": e.request_headers, "status": e.status, "response_headers": e.response_headers,
            "request_body": summarize_body(e.request_headers.get("Content-Type", ""), e.request_body, len(e.request_body)),
            "response_body": summarize_body(e.response_headers.get("Content-Type", ""), e.response_body, len(e.response_body)),
            "admin": False, "fault": None, "dropped": False, "outbound": False, "warnings": [],
        }

    def _har_entry(self, e: ProxyExchange) -> dict[str, Any]:
        url = f"{self.upstream}{e.path}" + (f"?{e.query}" if e.query else "")
        try:
            text, encoding = e.response_body.decode("utf-8"), None
        except UnicodeDecodeError:
            text, encoding = base64.b64encode(e.response_body).decode(), "base64"
        content: dict[str, Any] = {"size": len(e.response_body), "mimeType": e.response_headers.get("Content-Type", ""), "text": text}
        if encoding:
            content["encoding"] = encoding
        request: dict[str, Any] = {
            "method": e.method, "url": url, "httpVersion": "HTTP/1.1", "cookies": [], "queryString": [],
            "headers": [{"name": k, "value": v} for k, v in e.request_headers.items()], "headersSize": -1,
            "bodySize": len(e.request_body),
        }
        if e.request_body:
            request["postData"] = {"mimeType": e.request_headers.get("Content-Type", ""), "text": e.request_body.decode("utf-8", "replace")}
        return {
            "startedDateTime": e.started, "time": 0, "request": request,
            "response": {
                "status": e.status, "statusText": "", "httpVersion": "HTTP/1.1", "cookies": [],
                "headers": [{"name": k, "value": v} for k, v in e.response_headers.items()],
                "content": content, "redirectURL": "", "headersSize": -1, "bodySize": len(e.response_body),
            },
            "cache": {}, "timings": {"send": 0, "wait": 0, "receive": 0},
        }

    def _har_document(self) -> dict[str, Any]:
        return {"log": {"version": "1.2", "creator": {"name": "mockservers contracts proxy", "version": "1"}, "entries": self._entries}}


def _json_of(content_type: str, body: bytes) -> tuple[Any, bool]:
    if not body or len(body) > CHECK_LIMIT:
        return None, False
    summary = summarize_body(content_type, body, len(body))
    return summary.get("json"), "json" in summary


class ValidationProxy:
    """The WSGI app: forward, check, report, record."""

    def __init__(
        self,
        provider: str,
        upstream: str,
        strict: bool = False,
        recorder: Recorder | None = None,
        out: TextIO | None = None,
        session: requests.Session | None = None,
    ) -> None:
        self.provider = provider
        self.upstream = upstream.rstrip("/")
        self.strict = strict
        self.recorder = recorder
        self.out = out or sys.stdout
        self.session = session or requests.Session()
        self.contracts = contract_set(provider)
        self.exchanges: list[ProxyExchange] = []
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        exchange = self._incoming(environ)
        query = dict(parse_qsl(exchange.query, keep_blank_values=True))
        request_json, _ = _json_of(exchange.request_headers.get("Content-Type", ""), exchange.request_body)
        request_violations = self.contracts.check_request(exchange.method, exchange.path, request_json, query)
        if self.strict and request_violations:
            exchange.violations = request_violations
            exchange.blocked = True
            return self._refuse(exchange, 400, "the request breaks the contract; not forwarded", start_response)
        try:
            answer = self.session.request(
                exchange.method, self.upstream + exchange.path, params=exchange.query or None,
                headers=exchange.request_headers, data=exchange.request_body or None,
                allow_redirects=False, timeout=60, stream=False,
            )
        except requests.RequestException as exc:
            body = json.dumps({"error": f"the upstream {self.upstream} did not answer: {type(exc).__name__}"}).encode()
            start_response("502 Bad Gateway", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            self._report(exchange, [Violation(f"{exchange.method} {exchange.path}", "upstream", "", f"no answer: {exc}")])
            return [body]
        exchange.status = answer.status_code
        exchange.response_headers = {k: v for k, v in answer.headers.items() if k.lower() not in _HOP}
        exchange.response_body = answer.content
        response_json, has_json = _json_of(answer.headers.get("Content-Type", ""), answer.content)
        found = self.contracts.check_exchange(
            exchange.method, exchange.path, exchange.status, response_json, has_json,
            request_json=request_json, query=query, check_request=True,
        )
        if self.strict and found:
            exchange.violations = found
            exchange.blocked = True
            return self._refuse(exchange, 502, "the upstream's answer breaks the contract", start_response)
        self._report(exchange, found)
        headers = list(exchange.response_headers.items()) + [("Content-Length", str(len(exchange.response_body)))]
        start_response(f"{exchange.status} {answer.reason or ''}".strip(), headers)
        return [exchange.response_body]

    def _incoming(self, environ: dict[str, Any]) -> ProxyExchange:
        headers: dict[str, str] = {}
        for key, value in environ.items():
            if key.startswith("HTTP_"):
                name = key[5:].replace("_", "-").title()
            elif key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                name = key.replace("_", "-").title()
            else:
                continue
            if name.lower() not in _HOP and value:
                headers[name] = value
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        started = datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")
        return ProxyExchange(environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO") or "/",
                             environ.get("QUERY_STRING", ""), headers, body, started=started)

    def _refuse(self, exchange: ProxyExchange, status: int, why: str, start_response: Callable[..., Any]) -> list[bytes]:
        body = json.dumps(
            {"error": f"mockservers contracts proxy (--strict): {why}", "violations": [describe(v) for v in exchange.violations]}
        ).encode()
        reason = "Bad Request" if status == 400 else "Bad Gateway"
        start_response(f"{status} {reason}", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        self._report(exchange, exchange.violations)
        return [body]

    def _report(self, exchange: ProxyExchange, found: list[Violation]) -> None:
        exchange.violations = found
        with self._lock:
            self.exchanges.append(exchange)
            status = exchange.status or "-"
            verdict = "ok" if not found else f"{len(found)} violation(s)" + (" (blocked)" if exchange.blocked else "")
            print(f"{exchange.method} {exchange.path} -> {status}: {verdict}", file=self.out, flush=True)
            for violation in found[:10]:
                print(f"  {describe(violation)}", file=self.out, flush=True)
        if self.recorder is not None:
            self.recorder.add(exchange)


def serve_proxy(args: argparse.Namespace, stop: threading.Event | None = None) -> int:
    """Run the proxy until Ctrl-C (or ``stop``); exit 1 if any exchange violated its contract."""
    if not args.upstream.startswith(("http://", "https://")):
        print(f"mockservers contracts proxy: --upstream must be an http(s) URL, not {args.upstream!r}", file=sys.stderr)
        return 2
    recorder = Recorder(args.record, args.upstream) if args.record else None
    proxy = ValidationProxy(args.provider, args.upstream, strict=args.strict, recorder=recorder)
    try:
        server = ServerThread(proxy, args.host, args.port).start()
    except OSError as exc:
        print(f"mockservers contracts proxy: cannot listen on {args.host}:{args.port} ({exc.strerror}); choose another --port", file=sys.stderr)
        return 2
    print(f"validation proxy for {args.provider}: {server.base_url} -> {args.upstream}" + (" (strict)" if args.strict else ""), flush=True)
    if args.record:
        print(f"recording to {args.record}", flush=True)
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    violated = sum(1 for e in proxy.exchanges if e.violations)
    print(f"{len(proxy.exchanges)} exchange(s), {violated} with violations", flush=True)
    return 1 if violated else 0
