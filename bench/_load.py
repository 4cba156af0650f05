"""A small bounded HTTP load generator: threads, one keep-alive http.client connection each, loopback only."""

from __future__ import annotations

import http.client
import threading
import time
from urllib.parse import urlsplit


def requests_per_second(base_url: str, path: str, headers: dict[str, str], connections: int, seconds: float = 1.0, max_requests: int = 200_000) -> float:
    """Requests/s of GET ``path`` over ``connections`` parallel keep-alive connections, for ``seconds``.

    A connection the server closes (``Connection: close``, as werkzeug's dev
    server does) is reopened, so that cost is part of the measurement.
    """
    parts = urlsplit(base_url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("the load generator only targets loopback")
    host, port = parts.hostname, parts.port or 80
    counts = [0] * connections
    errors: list[BaseException] = []
    start_gate = threading.Barrier(connections + 1)
    deadline = [0.0]
    per_thread_cap = max(1, max_requests // connections)

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=10)
        start_gate.wait()
        done = 0
        try:
            while done < per_thread_cap and time.perf_counter() < deadline[0]:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    raise RuntimeError(f"GET {path} answered {response.status}")
                done += 1
                if response.will_close:
                    conn.close()
                    conn = http.client.HTTPConnection(host, port, timeout=10)
        except BaseException as exc:  # noqa: BLE001 - reported to the caller
            errors.append(exc)
        finally:
            counts[index] = done
            conn.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(connections)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline[0] = began + seconds
    start_gate.wait()
    for thread in threads:
        thread.join(seconds + 30)
    elapsed = time.perf_counter() - began
    if errors:
        raise RuntimeError(f"load generator: {errors[0]!r}")
    return sum(counts) / elapsed
