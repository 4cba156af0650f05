"""The per-request shortcuts of core (app, views, middleware, server) give the answers of the slower ways they replace."""

from __future__ import annotations

import json
from email.utils import formatdate
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask, jsonify
from flask.json.provider import DefaultJSONProvider
from waitress.task import WSGITask
from werkzeug.sansio.utils import get_current_url
from werkzeug.test import EnvironBuilder

from mockservers.core import server
from mockservers.core.app import BufferedResponse, StreamingRequest
from mockservers.core.clock import VirtualClock
from mockservers.core.safejson import LimitedJSONProvider
from mockservers.core.views import PAGE_DASH_SIZE, PAGE_INDEX, LinkNames, pagination_links
from mockservers.registry import create_emulator


# -- page links: one encoding of the query, then only the number changes ----------------
def _reference_links(base: str, page: int, size: int, total: int, names: LinkNames, query: dict[str, Any], first: int = 0) -> dict[str, Any]:
    """What pagination_links gave when every link ran urlencode (the former code)."""
    last = first + max(0, -(-total // size) - 1)

    def href(number: int) -> dict[str, str]:
        params = dict(query)
        params[names.page] = number
        params[names.size] = size
        return {"href": f"{base}?{urlencode(params)}"}

    links = {"self": href(page), "first": href(first), "last": href(last)}
    if page < last:
        links["next"] = href(page + 1)
    if page > first:
        links[names.previous] = href(min(page - 1, last))
    return links


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"projectId": "p"},
        {"q": "a b&c=d", "naïve": "é/?", "n": 3},
        {"page_size": 10, "account_id": "a", "page_index": 0, "start_time": "t"},
        {"page-size": 5, "x": "1"},
        {"page": 2, "tail": "z"},
    ],
)
@pytest.mark.parametrize("names", [PAGE_DASH_SIZE, PAGE_INDEX, LinkNames("p ge", "s&ze", "prev")])
@pytest.mark.parametrize(("page", "total", "first"), [(0, 0, 0), (1, 45, 0), (3, 45, 1), (9, 45, 0)])
def test_pagination_links_equal_the_urlencode_of_every_link(query: dict[str, Any], names: LinkNames, page: int, total: int, first: int) -> None:
    assert pagination_links("http://h/x", page, 20, total, names, query, first) == _reference_links(
        "http://h/x", page, 20, total, names, query, first
    )


# -- the request class ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1:8701", "localhost", "localhost:80", "example.com:443", "LOCALHOST:8701", "[::1]:8701", "[::FFFF:1.2.3.4]",
        "xn--n3h.net", "a.xn--n3h.net:81", "h:0", "h:08701", "h:65535", "h:65536", "a..b", "under_score.test:1",
        "sub-domain.example:12345", "a" * 64 + ".example", "x.",
    ],
)
@pytest.mark.parametrize("scheme", ["http", "https"])
def test_host_url_is_werkzeugs(host: str, scheme: str) -> None:
    environ = EnvironBuilder(path="/", headers={"Host": host}, base_url=f"{scheme}://x").get_environ()
    environ["HTTP_HOST"] = host
    request = StreamingRequest(environ)
    try:
        expected = get_current_url(request.scheme, request.host)
    except ValueError as exc:  # werkzeug refuses the host: so does the shortcut
        with pytest.raises(type(exc)):
            _ = request.host_url
        return
    assert request.host_url == expected


def test_query_parameters_get_like_werkzeugs() -> None:
    request = StreamingRequest(EnvironBuilder(path="/", query_string="a=1&a=2&b=&n=x").get_environ())
    args = request.args
    assert args.get("a") == "1" and args.getlist("a") == ["1", "2"] and args.get("b") == ""
    assert args.get("missing") is None and args.get("missing", "d") == "d"
    assert args.get("a", type=int) == 1 and args.get("n", 7, type=int) == 7 and args.get("missing", 7, type=int) == 7
    empty = StreamingRequest(EnvironBuilder(path="/").get_environ()).args
    assert not empty and empty.get("a") is None and list(empty.items()) == []
    with pytest.raises(KeyError):
        empty["a"]


# -- responses --------------------------------------------------------------------------------
def _run(app: Flask, environ: dict[str, Any], seen: dict[str, Any]) -> Any:
    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        seen["status"], seen["headers"] = status, headers

    return app.wsgi_app(environ, start_response)


def _buffered_app() -> tuple[Flask, list[str]]:
    app = Flask("buffered")
    app.response_class = BufferedResponse
    closed: list[str] = []

    @app.get("/json")
    def as_json() -> Any:
        return jsonify({"a": 1})

    @app.get("/text")
    def text() -> Any:
        return "héllo"

    @app.get("/closing")
    def closing() -> Any:
        response = app.response_class(b"body")
        response.call_on_close(lambda: closed.append("closed"))
        return response

    @app.get("/stream")
    def stream() -> Any:
        return app.response_class(iter([b"a", b"b"]))

    @app.get("/empty")
    def empty() -> Any:
        return app.response_class(b"gone", status=204)

    return app, closed


def test_a_buffered_body_is_answered_as_a_list_of_its_bytes() -> None:
    app, _ = _buffered_app()
    seen: dict[str, Any] = {}
    body = _run(app, EnvironBuilder(path="/json").get_environ(), seen)
    assert type(body) is list and b"".join(body) == b'{"a":1}\n' and seen["status"] == "200 OK"
    assert b"".join(_run(app, EnvironBuilder(path="/text").get_environ(), seen)) == "héllo".encode()
    assert _run(app, EnvironBuilder(path="/json", method="HEAD").get_environ(), seen) == []
    assert ("Content-Length", "8") in seen["headers"]  # HEAD keeps the length of the body it omits
    assert list(_run(app, EnvironBuilder(path="/empty").get_environ(), seen)) == []


def test_bodies_with_work_on_close_or_streamed_keep_werkzeugs_iterator() -> None:
    app, closed = _buffered_app()
    seen: dict[str, Any] = {}
    body = _run(app, EnvironBuilder(path="/closing").get_environ(), seen)
    assert type(body) is not list and b"".join(body) == b"body"
    body.close()
    assert closed == ["closed"]
    streamed = _run(app, EnvironBuilder(path="/stream").get_environ(), seen)
    assert type(streamed) is not list and b"".join(streamed) == b"ab"


@pytest.mark.parametrize("value", [{"b": 1, "a": [1.5, None, True, "é\u2028"]}, [], None, "x", 3])
@pytest.mark.parametrize("ensure_ascii", [True, False])
@pytest.mark.parametrize("sort_keys", [True, False])
def test_jsonify_bytes_are_flasks(value: Any, ensure_ascii: bool, sort_keys: bool) -> None:
    def body(provider_class: type[DefaultJSONProvider]) -> bytes:
        app = Flask("j")
        app.json = provider_class(app)
        app.json.compact = True  # type: ignore[attr-defined]
        app.json.ensure_ascii = ensure_ascii  # type: ignore[attr-defined]
        app.json.sort_keys = sort_keys  # type: ignore[attr-defined]
        with app.app_context():
            response = jsonify(value)
            return response.get_data() + response.headers["Content-Type"].encode()

    assert body(LimitedJSONProvider) == body(DefaultJSONProvider)


def test_jsonify_with_arguments_and_keywords_is_flasks() -> None:
    app = Flask("j")
    app.json = LimitedJSONProvider(app)
    with app.app_context():
        assert json.loads(jsonify(1, 2).get_data()) == [1, 2]
        assert json.loads(jsonify(a=1).get_data()) == {"a": 1}
        assert jsonify().get_data() == b"null\n"
        with pytest.raises(TypeError):
            jsonify(1, a=2)


# -- the journal still records every kind of body ---------------------------------------------
def test_the_journal_records_list_and_streamed_answers_whole() -> None:
    emulator = create_emulator("pixop")
    client = emulator.app.test_client()
    token = emulator.state.mint_token(emulator.credentials["user_id"], emulator.credentials["team_id"])
    answer = client.get("/accounts/v1/account", headers={"Authorization": f"Bearer {token}"})
    entry = emulator.journal.last(path="/accounts/v1/account")
    assert entry is not None and entry.status == 200
    assert entry.response_body["size"] == len(answer.data) and entry.response_json == answer.json
    missing = client.get("/videos/v1/projects", headers={"Authorization": "Bearer nope"})
    entry = emulator.journal.last(path="/videos/v1/projects")
    assert entry is not None and entry.status == missing.status_code == 401 and entry.response_json == missing.json


# -- the Date header ------------------------------------------------------------------------------
def test_the_date_header_follows_the_clock_second_by_second() -> None:
    clock = VirtualClock()
    clock.freeze()
    clock.set(1_700_000_000.25)
    first = server._http_date(clock)
    assert first == formatdate(1_700_000_000, usegmt=True)
    clock.advance(0.5)
    assert server._http_date(clock) == first
    clock.advance(0.3)
    assert server._http_date(clock) == formatdate(1_700_000_001, usegmt=True)
    clock.set(1_699_996_401.9)  # back in time too (a test may set the clock anywhere)
    assert server._http_date(clock) == formatdate(1_699_996_401, usegmt=True)
    assert server._http_date(None) == formatdate(usegmt=True) or server._http_date(None)[-3:] == "GMT"


def test_request_bodies_are_still_teed_into_the_journal() -> None:
    emulator = create_emulator("pixop")
    token = emulator.state.mint_token(emulator.credentials["user_id"], emulator.credentials["team_id"])
    answer = emulator.app.test_client().put("/videos/v1/project", json={"name": "teed"}, headers={"Authorization": f"Bearer {token}"})
    entry = emulator.journal.last(path="/videos/v1/project")
    assert answer.status_code == 200 and entry is not None
    assert entry.request_json == {"name": "teed"} and entry.response_json == answer.json


# -- the URL adapter ---------------------------------------------------------------------------------
def _adapter_fields(adapter: Any) -> tuple[Any, ...]:
    names = ("server_name", "script_name", "subdomain", "url_scheme", "path_info", "default_method", "query_args", "websocket")
    return tuple(getattr(adapter, name) for name in names)


@pytest.mark.parametrize(
    ("environ_overrides", "host"),
    [
        ({}, "127.0.0.1:8701"),
        ({}, "LocalHost:80"),
        ({"SCRIPT_NAME": "/mount"}, "h"),
        ({"SCRIPT_NAME": ""}, "h"),
        ({"PATH_INFO": ""}, "h"),
        ({"PATH_INFO": "/caf\xc3\xa9/x"}, "h:1"),  # UTF-8 bytes as WSGI latin-1 text
        ({"PATH_INFO": "/bad\xff"}, "h"),
        ({"QUERY_STRING": "a=1&b=%C3%A9"}, "[::1]:8701"),
        ({"QUERY_STRING": "q=\xc3\xa9"}, "h"),
        ({"REQUEST_METHOD": "DELETE"}, "h"),
        ({"HTTP_UPGRADE": "websocket", "HTTP_CONNECTION": "Upgrade"}, "h"),
        ({}, "xn--n3h.net"),
        ({}, "a" * 64 + ".example"),
        ({}, "bad host"),
    ],
)
def test_the_url_adapter_is_flasks(environ_overrides: dict[str, str], host: str) -> None:
    from mockservers.core.app import EmulatorFlask

    environ = EnvironBuilder(path="/x", base_url="http://h").get_environ()
    environ.update(environ_overrides)
    environ["HTTP_HOST"] = host
    fast, plain = EmulatorFlask("fast"), Flask("plain")
    for app in (fast, plain):
        app.add_url_rule("/x", "x", lambda: "")
        app.add_url_rule("/caf\u00e9/<part>", "cafe", lambda part: "")
    found = []
    for app in (fast, plain):
        try:
            found.append(_adapter_fields(app.create_url_adapter(app.request_class(environ))))
        except Exception as exc:  # noqa: BLE001 - both must fail alike
            found.append(type(exc))
    assert found[0] == found[1]


def test_the_url_adapter_follows_flasks_settings() -> None:
    from mockservers.core.app import EmulatorFlask

    app = EmulatorFlask("configured")
    app.config["SERVER_NAME"] = "example.test"
    app.add_url_rule("/x", "x", lambda: "")
    environ = EnvironBuilder(path="/x", base_url="http://example.test").get_environ()
    adapter = app.create_url_adapter(app.request_class(environ))
    assert adapter is not None and adapter.match("/x")[0] == "x"
    with app.app_context():  # no request: Flask's own adapter from SERVER_NAME
        assert app.create_url_adapter(None) is not None


# -- the server: headers and a small first chunk in one send --------------------------------------------
def _raw_exchange(port: int, request: bytes) -> bytes:
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(request)
        sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _bodies_app(environ: dict[str, Any], start_response: Any) -> Any:
    path = environ["PATH_INFO"]
    if path == "/small":
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "5")])
        return [b"hello"]
    if path == "/big":
        body = b"x" * (server.COALESCE_BYTES + 10)
        start_response("200 OK", [("Content-Length", str(len(body)))])
        return [body]
    if path == "/chunked":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return iter([b"ab", b"cd"])
    if path == "/excess":
        start_response("200 OK", [("Content-Length", "3")])
        return [b"abcdef"]
    if path == "/nobody":
        start_response("204 No Content", [])
        return [b"ignored"]
    start_response("404 Not Found", [("Content-Length", "0")])
    return []


class _WaitressWriteTask(server._Task):
    write = WSGITask.write  # waitress's own: headers and body in separate sends


class _WaitressWriteChannel(server._Channel):
    task_class = _WaitressWriteTask


@pytest.mark.parametrize("path", ["/small", "/big", "/chunked", "/excess", "/nobody", "/missing"])
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_answers_are_the_bytes_waitress_sends(path: str, method: str) -> None:
    request = f"{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
    answers = []
    for channel in (None, _WaitressWriteChannel):
        runner = server.ServerThread(_bodies_app, "127.0.0.1", 0).start()
        if channel is not None:
            runner._server.channel_class = channel
        try:
            answers.append(_raw_exchange(runner.port, request))
        finally:
            runner.stop()
    joined, separate = ([line for line in a.split(b"\r\n") if not line.startswith(b"Date: ")] for a in answers)
    assert joined == separate
    assert joined[0].startswith(b"HTTP/1.1 ")


def test_keep_alive_answers_follow_each_other_whole() -> None:
    runner = server.ServerThread(_bodies_app, "127.0.0.1", 0).start()
    try:
        raw = _raw_exchange(runner.port, b"GET /small HTTP/1.1\r\nHost: x\r\n\r\n" * 3)
    finally:
        runner.stop()
    assert raw.count(b"HTTP/1.1 200 OK") == 3 and raw.count(b"\r\n\r\nhello") == 3


def test_a_server_answers_in_a_process_holding_more_than_1024_descriptors() -> None:
    import os
    import resource

    import requests

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 1200
    if soft < wanted and (hard == resource.RLIM_INFINITY or hard >= wanted):
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    held: list[int] = []
    try:
        while len(held) < 1100:
            try:
                held.append(os.open(os.devnull, os.O_RDONLY))
            except OSError:  # the hard limit is lower: then no descriptor can pass 1024 either
                break
        runner = server.ServerThread(_bodies_app, "127.0.0.1", 0).start()
        try:
            assert requests.get(f"{runner.base_url}/small", timeout=5).text == "hello"
        finally:
            runner.stop()
    finally:
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
