"""Goal 4: an authenticated Pixop GET through mockservers.intercept vs the same GET over a socket.

Both use one ``requests.Session`` and the same emulator; intercept mode calls
``https://staging-api.pixop.com`` (answered in-process, no socket), socket mode
calls the emulator's loopback URL over the session's keep-alive connection
(the server is waitress since issue 17; under werkzeug's dev server each request
also paid a TCP connect, so the same goal met then is harder now: the socket
path got about twice as fast). Runs alternate so machine noise hits both alike.
Goal (set when the server closed every connection): intercept >= 5x faster.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable

import requests
from _common import fmt_us, heading, pixop_emulator, pixop_token, report
from bench_requests import wsgi_caller

from mockservers.intercept import intercept

GOAL_SPEEDUP = 5.0
PATH = "/accounts/v1/account"


def _samples(call: Callable[[], object], iterations: int) -> list[float]:
    gc.collect()
    clock = time.perf_counter
    found = []
    for _ in range(iterations):
        start = clock()
        call()
        found.append(clock() - start)
    return found


def _getter(session: requests.Session, url: str) -> Callable[[], object]:
    def call() -> object:
        response = session.get(url, timeout=10)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url}: {response.status_code} {response.text[:200]}")
        return response.content

    return call


def run(quick: bool = False) -> None:
    iterations, runs = (100, 3) if quick else (300, 5)
    heading(f"4. in-process interception vs socket ({runs} interleaved runs x {iterations} requests each)")
    emulator = pixop_emulator()
    headers = {"Authorization": f"Bearer {pixop_token(emulator)}"}
    emulator.start("127.0.0.1", 0)
    intercepted, socket_mode = requests.Session(), requests.Session()
    intercepted.headers.update(headers)
    socket_mode.headers.update(headers)
    mocked = intercept(emulators={"pixop": emulator})
    in_process = _getter(intercepted, f"https://staging-api.pixop.com{PATH}")
    over_socket = _getter(socket_mode, f"{emulator.base_url}{PATH}")
    # The floor: the emulator's own WSGI call, with no client library at all.
    app_only = wsgi_caller(emulator.app, PATH, {**headers, "Host": "staging-api.pixop.com"})
    timings: dict[str, list[float]] = {"intercept": [], "socket": [], "app": []}
    try:
        for _ in range(runs):
            timings["app"] += _samples(app_only, iterations)
            with mocked:
                timings["intercept"] += _samples(in_process, iterations)
            # Socket mode runs with no interceptor active, as a user's socket-mode suite would.
            timings["socket"] += _samples(over_socket, iterations)
    finally:
        intercepted.close()
        socket_mode.close()
        emulator.close()
    medians = {name: statistics.median(samples) for name, samples in timings.items()}
    speedup = medians["socket"] / medians["intercept"]
    report(
        "intercept",
        f"requests.Session GET {PATH} socket/intercept",
        f"{speedup:.1f}x faster ({fmt_us(medians['intercept'])} in-process vs {fmt_us(medians['socket'])} over a socket, median per request)",
        f">= {GOAL_SPEEDUP:g}x",
        speedup >= GOAL_SPEEDUP,
    )
    report(
        "intercept",
        f"GET {PATH} emulator WSGI call alone",
        f"{fmt_us(medians['app'])} (the floor; requests' own work + interception = "
        f"{fmt_us(medians['intercept'] - medians['app'])})",
    )


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    run(parser.parse_args().quick)
