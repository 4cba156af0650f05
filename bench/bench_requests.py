"""Goal 1: an authenticated Pixop GET through the emulator vs a bare Flask app answering the same JSON.

Both apps are measured in-process (a raw WSGI call, no test-client overhead;
CPU time, runs interleaved, the median of the runs' ratios) and over a socket
(both served by mockservers.core.server.ServerThread, one keep-alive
http.client connection each). Goal: emulator <= 1.5x bare Flask.
"""

from __future__ import annotations

import http.client
import io
import json
from collections.abc import Callable
from typing import Any

from _common import (
    fmt_us,
    heading,
    interleaved_cpu,
    interleaved_median,
    median_ratio,
    pixop_emulator,
    pixop_token,
    report,
)
from flask import Flask, Response, jsonify
from werkzeug.test import EnvironBuilder

from mockservers.core.server import ServerThread

GOAL_RATIO = 1.5


def bare_app(routes: dict[str, bytes]) -> Flask:
    """A plain Flask app answering each path with ``jsonify`` of the JSON the emulator answered.

    Same JSON settings as the emulator's app, so the bytes are identical.
    """
    app = Flask("bare")
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.compact = True  # type: ignore[attr-defined]

    def make_view(body: bytes) -> Callable[[], Response]:
        document = json.loads(body)

        def view() -> Response:
            return jsonify(document)

        return view

    for index, (path, body) in enumerate(routes.items()):
        app.add_url_rule(path, f"route{index}", make_view(body), methods=["GET"])
    return app


def wsgi_caller(app: Any, path: str, headers: dict[str, str]) -> Callable[[], bytes]:
    """A function doing one raw WSGI call of ``app`` and returning the body."""
    template = EnvironBuilder(
        path=path, method="GET", headers=headers, base_url="http://127.0.0.1:8701"
    ).get_environ()
    template.pop("wsgi.input", None)
    status: list[str] = []

    def start_response(s: str, h: list[tuple[str, str]], exc_info: Any = None) -> None:
        status.append(s)

    def call() -> bytes:
        environ = dict(template)
        environ["wsgi.input"] = io.BytesIO(b"")
        result = app(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        return body

    call.status = status  # type: ignore[attr-defined]
    return call


def http_caller(
    port: int, path: str, headers: dict[str, str]
) -> tuple[Callable[[], bytes], http.client.HTTPConnection]:
    """One GET per call over an http.client connection (kept alive by the server; reopened if it closes)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

    def call() -> bytes:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status} {body[:200]!r}")
        return body

    return call, conn


def run(quick: bool = False) -> None:
    iterations, runs = (100, 5) if quick else (300, 9)
    heading(
        f"1. authenticated GET: emulator vs bare Flask ({runs} interleaved runs x {iterations} requests each)"
    )
    emulator = pixop_emulator()
    token = pixop_token(emulator)
    headers = {"Authorization": f"Bearer {token}"}
    team_id = emulator.credentials["team_id"]
    project_id = emulator.state.list_projects(team_id)[0]["id"]
    paths = ["/accounts/v1/account", f"/videos/v1/project/{project_id}"]

    # The bare app answers exactly the bytes the emulator answered.
    bodies: dict[str, bytes] = {}
    for path in paths:
        call = wsgi_caller(emulator.app, path, headers)
        bodies[path] = call()
        if not call.status[0].startswith("200"):  # type: ignore[attr-defined]
            raise RuntimeError(f"emulator answered {call.status[0]} to GET {path}: {bodies[path][:300]!r}")  # type: ignore[attr-defined]
    bare = bare_app(bodies)
    for path in paths:
        if wsgi_caller(bare, path, headers)() != bodies[path]:
            raise RuntimeError(f"the bare app's body differs from the emulator's for {path}")

    labels = {paths[0]: "GET /accounts/v1/account", paths[1]: "GET /videos/v1/project/<id>"}
    # In-process: raw WSGI calls, no sockets, no test client; CPU time, runs interleaved, median of the runs' ratios.
    for path in paths:
        samples = interleaved_cpu(
            {"emulator": wsgi_caller(emulator.app, path, headers), "bare": wsgi_caller(bare, path, headers)},
            iterations,
            runs,
        )
        ratio = median_ratio(samples, "emulator", "bare")
        report(
            "requests",
            f"in-process {labels[path]} emulator/bare",
            f"{ratio:.2f}x ({fmt_us(min(samples['emulator']))} vs {fmt_us(min(samples['bare']))} CPU per request, fastest run; "
            f"median of {runs} runs' ratios)",
            f"<= {GOAL_RATIO}x",
            ratio <= GOAL_RATIO,
        )

    # Over a socket: both behind the same ServerThread, one keep-alive connection each.
    emulator.start("127.0.0.1", 0)
    bare_server = ServerThread(bare, "127.0.0.1", 0).start()
    try:
        for path in paths:
            emu_call, emu_conn = http_caller(emulator.port, path, headers)
            bare_call, bare_conn = http_caller(bare_server.port, path, headers)
            try:
                if emu_call() != bodies[path] or bare_call() != bodies[path]:
                    raise RuntimeError(f"over the socket, a body differs from the in-process one for {path}")
                best = interleaved_median({"emulator": emu_call, "bare": bare_call}, iterations, runs)
            finally:
                emu_conn.close()
                bare_conn.close()
            ratio = best["emulator"] / best["bare"]
            report(
                "requests",
                f"socket {labels[path]} emulator/bare",
                f"{ratio:.2f}x ({fmt_us(best['emulator'])} vs {fmt_us(best['bare'])}, median per request)",
                f"<= {GOAL_RATIO}x",
                ratio <= GOAL_RATIO,
            )
    finally:
        bare_server.stop()
        emulator.close()


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    run(parser.parse_args().quick)
