"""Issue 17 goal: sandbox requests/s at 1, 8 and 32 connections, side by side with two bare Flask apps.

* the emulator (Pixop ``GET /videos/v1/projects`` with a Bearer token) on
  mockservers' server (waitress),
* a bare Flask app answering the same bytes on werkzeug's dev server (what the
  sandbox ran on before; goal: emulator >= 1.3x it),
* that bare app on the same server as the emulator (goal: emulator >= 0.8x it:
  the emulator's own work costs at most a fifth).

Load: bench/_load.py (threads, keep-alive http.client, loopback, bounded time).
"""

from __future__ import annotations

import threading

from _common import heading, pixop_emulator, pixop_token, report
from _load import requests_per_second
from bench_requests import bare_app, wsgi_caller
from werkzeug.serving import WSGIRequestHandler, make_server

from mockservers.core.server import ServerThread

PATH = "/videos/v1/projects"
CONNECTIONS = (1, 8, 32)
GOAL_VS_DEV = 1.3
GOAL_VS_SAME = 0.8


class _Quiet(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """No access log: it would be measured too."""


def run(quick: bool = False) -> None:
    seconds = 0.5 if quick else 2.0
    heading(f"1. requests/s at {', '.join(map(str, CONNECTIONS))} connections ({seconds:g} s each, interleaved)")
    emulator = pixop_emulator()
    headers = {"Authorization": f"Bearer {pixop_token(emulator)}"}
    body = wsgi_caller(emulator.app, PATH, headers)()
    bare = bare_app({PATH: body})
    emulator.start("127.0.0.1", 0)
    same = ServerThread(bare, "127.0.0.1", 0).start()
    dev = make_server("127.0.0.1", 0, bare, threaded=True, request_handler=_Quiet)
    dev_thread = threading.Thread(target=dev.serve_forever, daemon=True)
    dev_thread.start()
    targets = {
        "emulator": emulator.base_url,
        "bare on waitress": same.base_url,
        "bare on werkzeug dev": f"http://127.0.0.1:{dev.server_port}",
    }
    try:
        for connections in CONNECTIONS:
            rates = {name: 0.0 for name in targets}
            for _ in range(2):  # interleaved, best of two: the machine is shared
                for name, url in targets.items():
                    rates[name] = max(rates[name], requests_per_second(url, PATH, headers, connections, seconds))
            vs_dev = rates["emulator"] / rates["bare on werkzeug dev"]
            vs_same = rates["emulator"] / rates["bare on waitress"]
            numbers = ", ".join(f"{name} {rate:.0f}/s" for name, rate in rates.items())
            report("throughput", f"{connections:>2} conn emulator/bare-on-dev-server", f"{vs_dev:.2f}x ({numbers})", f">= {GOAL_VS_DEV}x", vs_dev >= GOAL_VS_DEV)
            report("throughput", f"{connections:>2} conn emulator/bare-on-same-server", f"{vs_same:.2f}x", f">= {GOAL_VS_SAME}x", vs_same >= GOAL_VS_SAME)
    finally:
        dev.shutdown()
        dev.server_close()
        same.stop()
        emulator.close()


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    run(parser.parse_args().quick)
