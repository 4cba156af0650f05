"""A small bounded HTTP load generator in its own process: threads, one keep-alive socket each, loopback only.

Why a process of its own: in the server's process the load's threads would take
the GIL from the server's (a Python server and a Python client on one
interpreter measure each other), which is not how a user's client meets the
sandbox. Why raw sockets: http.client parses every response through the email
package, which costs about as much CPU as the server's answer; a load generator
that cheap to run stays out of the measurement, as wrk would (none needed here).

    with LoadGenerator() as load:
        result = load.run("http://127.0.0.1:8701", "/path", {"Authorization": "..."}, connections=8, seconds=1.0)
        result.rate  # requests/s

The generator sends the same GET on every connection, reads each answer whole
(Content-Length, chunked, or up to the close), and reopens a connection the
server closes (``Connection: close``, as werkzeug's dev server does), so that
cost is part of the measurement. Any status but 200 fails the run.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass
class LoadResult:
    """What one run did: requests answered, seconds, the rate, and the load generator's own CPU seconds."""

    requests: int
    seconds: float
    cpu_seconds: float = 0.0

    @property
    def rate(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds if self.seconds > 0 else 0.0


class LoadGenerator:
    """A worker process running load on request; one per benchmark, reused across runs."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None

    def __enter__(self) -> LoadGenerator:
        self._process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        return self

    def __exit__(self, *exc: Any) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def run(
        self, base_url: str, path: str, headers: dict[str, str], connections: int, seconds: float = 1.0, max_requests: int = 200_000
    ) -> LoadResult:
        """GET ``path`` over ``connections`` parallel keep-alive connections for ``seconds`` (at most ``max_requests``)."""
        if self._process is None or self._process.stdin is None or self._process.stdout is None:
            raise RuntimeError("use LoadGenerator as a context manager")
        order = {"url": base_url, "path": path, "headers": headers, "connections": connections, "seconds": seconds, "max": max_requests}
        self._process.stdin.write(json.dumps(order) + "\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("the load generator's process ended unexpectedly")
        answer = json.loads(line)
        if answer.get("error"):
            raise RuntimeError(f"load generator: {answer['error']}")
        return LoadResult(answer["requests"], answer["seconds"], answer.get("cpu", 0.0))


def requests_per_second(
    base_url: str, path: str, headers: dict[str, str], connections: int, seconds: float = 1.0, max_requests: int = 200_000
) -> float:
    """One run in a fresh load-generator process (see :class:`LoadGenerator` to reuse one)."""
    with LoadGenerator() as load:
        return load.run(base_url, path, headers, connections, seconds, max_requests).rate


# -- the worker process -------------------------------------------------------------------
def _request_bytes(host: str, port: int, path: str, headers: dict[str, str]) -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class _Connection:
    """One keep-alive connection: send the request, read one whole answer."""

    def __init__(self, address: tuple[str, int], family: int) -> None:
        self.address, self.family = address, family
        self.sock: socket.socket | None = None
        self.buffer = b""

    def open(self) -> None:
        self.sock = socket.socket(self.family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.settimeout(10)
        self.sock.connect(self.address)
        self.buffer = b""

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def _more(self) -> bytes:
        assert self.sock is not None
        return self.sock.recv(262144)

    def exchange(self, request: bytes) -> tuple[int, bool]:
        """(status, server closes the connection) of one GET; the body is read and dropped."""
        if self.sock is None:
            self.open()
        assert self.sock is not None
        self.sock.sendall(request)
        data = self.buffer
        while True:
            end = data.find(b"\r\n\r\n")
            if end >= 0:
                break
            chunk = self._more()
            if not chunk:
                raise ConnectionError("the server closed the connection before answering")
            data += chunk
        head = data[:end].decode("latin-1").split("\r\n")
        rest = data[end + 4 :]
        version, _, status_text = head[0].partition(" ")
        status = int(status_text[:3])
        fields = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip()
        closes = fields.get("connection", "").lower() == "close" or (
            version == "HTTP/1.0" and fields.get("connection", "").lower() != "keep-alive"
        )
        if "content-length" in fields:
            length = int(fields["content-length"])
            while len(rest) < length:
                chunk = self._more()
                if not chunk:
                    raise ConnectionError("the server closed the connection inside a body")
                rest += chunk
            self.buffer = rest[length:]
        elif fields.get("transfer-encoding", "").lower() == "chunked":
            self.buffer = self._skip_chunked(rest)
        else:  # no framing: the body runs to the close
            while self._more():
                pass
            closes = True
        if closes:
            self.close()
        return status, closes

    def _skip_chunked(self, data: bytes) -> bytes:
        while True:
            while b"\r\n" not in data:
                data += self._more()
            size_line, _, data = data.partition(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            while len(data) < size + 2:
                data += self._more()
            data = data[size + 2 :]
            if size == 0:
                return data


def _run(order: dict[str, Any]) -> dict[str, Any]:
    parts = urlsplit(order["url"])
    if parts.hostname not in LOOPBACK:
        return {"error": "the load generator only targets loopback"}
    host, port = parts.hostname, parts.port or 80
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    request = _request_bytes(f"[{host}]" if family == socket.AF_INET6 else host, port, order["path"], order["headers"])
    connections = int(order["connections"])
    per_thread_cap = max(1, int(order["max"]) // connections)
    counts = [0] * connections
    errors: list[str] = []
    gate = threading.Barrier(connections + 1)
    deadline = [0.0]

    def worker(index: int) -> None:
        conn = _Connection((host, port), family)
        try:
            conn.open()
        except OSError as exc:
            errors.append(repr(exc))
        gate.wait()
        done = 0
        clock = time.perf_counter
        try:
            while not errors and done < per_thread_cap and clock() < deadline[0]:
                status, _ = conn.exchange(request)
                if status != 200:
                    raise RuntimeError(f"GET {order['path']} answered {status}")
                done += 1
        except Exception as exc:  # noqa: BLE001 - reported to the caller
            errors.append(repr(exc))
        finally:
            counts[index] = done
            conn.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(connections)]
    for thread in threads:
        thread.start()
    cpu_before = time.process_time()
    began = time.perf_counter()
    deadline[0] = began + float(order["seconds"])
    gate.wait()
    for thread in threads:
        thread.join(float(order["seconds"]) + 30)
    elapsed = time.perf_counter() - began
    cpu = time.process_time() - cpu_before
    if errors:
        return {"error": errors[0]}
    return {"requests": sum(counts), "seconds": elapsed, "cpu": cpu}


def _worker() -> None:
    for line in sys.stdin:
        try:
            answer = _run(json.loads(line))
        except Exception as exc:  # noqa: BLE001 - the parent raises it
            answer = {"error": repr(exc)}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    if sys.argv[1:] == ["--worker"]:
        _worker()
    else:
        sys.exit("usage: _load.py --worker (started by LoadGenerator)")
