"""Issue 17 goal: sandbox requests/s at 1, 8 and 32 connections, side by side with two bare Flask apps.

* the emulator (Pixop ``GET /videos/v1/projects`` with a Bearer token) on
  mockservers' server (waitress),
* a bare Flask app answering the same bytes on werkzeug's dev server (what the
  sandbox ran on before; goal: emulator >= 1.3x it),
* that bare app on the same server as the emulator (goal: emulator >= 0.8x it:
  the emulator's own work costs at most a fifth).

Load: bench/_load.py, in a process of its own (threads, one keep-alive socket
each, loopback, bounded time), so the load does not take the servers' GIL.
Each round measures the three targets one after the other; the ratios printed
are medians of the rounds' ratios (a round's three runs are seconds apart, so a
busy neighbour slows them alike). Also printed: the servers' own CPU time per
request (this process's CPU time over a run / requests answered), which a
shared machine disturbs less than requests/s.
"""

from __future__ import annotations

import statistics
import threading
import time

from _common import heading, pixop_emulator, pixop_token, report
from _load import LoadGenerator
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
    # Many short rounds: a round's three runs then meet the same load from the machine's other jobs.
    seconds, rounds = (0.25, 9) if quick else (0.5, 15)
    heading(
        f"1. requests/s at {', '.join(map(str, CONNECTIONS))} connections "
        f"({rounds} interleaved rounds of {seconds:g} s per target, medians)"
    )
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
        with LoadGenerator() as load:
            for url in targets.values():  # warm-up: first connections and code paths
                load.run(url, PATH, headers, 1, 0.1)
            for connections in CONNECTIONS:
                rates: dict[str, list[float]] = {name: [] for name in targets}
                cpu: dict[str, list[float]] = {name: [] for name in targets}
                load_cpu: list[float] = []  # the load generator's CPU seconds per request (is it the bottleneck?)
                names = list(targets)
                for round_number in range(rounds):
                    shift = round_number % len(names)  # each target takes each place in the order in turn
                    for name in names[shift:] + names[:shift]:
                        url = targets[name]
                        before = time.process_time()
                        result = load.run(url, PATH, headers, connections, seconds)
                        rates[name].append(result.rate)
                        cpu[name].append((time.process_time() - before) / max(1, result.requests))
                        load_cpu.append(result.cpu_seconds / max(1, result.requests))
                vs_dev = statistics.median(e / d for e, d in zip(rates["emulator"], rates["bare on werkzeug dev"], strict=True))
                vs_same = statistics.median(e / s for e, s in zip(rates["emulator"], rates["bare on waitress"], strict=True))
                numbers = ", ".join(f"{name} {statistics.median(r):.0f}/s" for name, r in rates.items())
                cpu_text = ", ".join(f"{name} {statistics.median(c) * 1e6:.0f} us" for name, c in cpu.items())
                cpu_ratio = statistics.median(s / e for e, s in zip(cpu["emulator"], cpu["bare on waitress"], strict=True))
                cpu_text += f"; bare-on-waitress/emulator {cpu_ratio:.2f}x; load generator {statistics.median(load_cpu) * 1e6:.0f} us"
                report("throughput", f"{connections:>2} conn emulator/bare-on-dev-server", f"{vs_dev:.2f}x ({numbers})", f">= {GOAL_VS_DEV}x", vs_dev >= GOAL_VS_DEV)
                report("throughput", f"{connections:>2} conn emulator/bare-on-same-server", f"{vs_same:.2f}x (server CPU per request: {cpu_text})", f">= {GOAL_VS_SAME}x", vs_same >= GOAL_VS_SAME)
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
