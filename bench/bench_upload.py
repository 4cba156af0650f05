"""Goal 3: uploads stream, at >= 0.7x a socket-to-file copy, with peak RSS growth < 64 MiB.

For Pixop (``POST /media/v1/upload/<video_id>``, field ``file``) and Vonage
(``POST /v3/media``, field ``filedata``) the emulator runs in a child process
(``mockservers serve PROVIDER --port PROVIDER=0 --info-file ...``). The client
POSTs a multipart body it generates on the fly (envelope + N MiB of
deterministic bytes in 1 MiB chunks, never built in memory). By default the
body goes out with chunked transfer encoding (requests with a generator body);
``--upload-transfer length`` sends it with a Content-Length through http.client
instead. A thread samples the child's RSS with psutil every 50 ms. The bytes
are not media, so Pixop's ingestion reports FAILED afterwards; only the upload
itself is measured.

The baseline is ``_socket_copy.py``: a plain socket server in a child process
that writes the received bytes to a file, sent the very same request (same
size, same transfer mode) by the same client code; it runs before and after
each emulator upload and the ratio uses the mean of the two.
"""

from __future__ import annotations

import base64
import http.client
import json
import random
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psutil
import requests
from _common import VENV_BIN, heading, report

GOAL_RSS_MIB = 64
GOAL_COPY_RATIO = 0.7
MIB = 1024 * 1024
BOUNDARY = "mockservers-bench-boundary-7d3c1f"
SAMPLE_SECONDS = 0.05


def multipart_parts(field: str, file_name: str) -> tuple[bytes, bytes]:
    """The envelope before and after the file bytes."""
    head = (
        f"--{BOUNDARY}\r\n"
        f'Content-Disposition: form-data; name="{field}"; filename="{file_name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    return head, tail


def multipart_body(size_mib: int, field: str, file_name: str) -> Iterator[bytes]:
    """The multipart body, produced 1 MiB at a time (deterministic pseudo-random bytes)."""
    head, tail = multipart_parts(field, file_name)
    block = random.Random(1234).randbytes(MIB)
    yield head
    for index in range(size_mib):
        # Vary each chunk a little so the file is not one block repeated.
        yield struct.pack(">Q", index) + block[8:]
    yield tail


def body_length(size_mib: int, field: str, file_name: str) -> int:
    head, tail = multipart_parts(field, file_name)
    return len(head) + size_mib * MIB + len(tail)


class RssSampler(threading.Thread):
    """Samples a process's RSS every ``interval`` seconds until stopped."""

    def __init__(self, pid: int, interval: float = SAMPLE_SECONDS) -> None:
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.interval = interval
        self.samples: list[int] = []
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                self.samples.append(self.process.memory_info().rss)
            except psutil.Error:
                return
            self._stop_event.wait(self.interval)

    def stop(self) -> list[int]:
        self._stop_event.set()
        self.join()
        return self.samples


def start_child(workdir: Path, provider: str, settings: tuple[str, ...] = ()) -> tuple[subprocess.Popen[bytes], dict]:
    """``mockservers serve PROVIDER`` on a free port; returns the process and its info file's entry."""
    info_file = workdir / f"info-{provider}.json"
    log = open(workdir / f"serve-{provider}.log", "wb")  # noqa: SIM115 - closed with the process
    command = [str(VENV_BIN / "mockservers"), "serve", provider, "--port", f"{provider}=0", "--info-file", str(info_file), "--quiet"]
    for setting in settings:
        command += ["--setting", setting]
    child = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=workdir)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise RuntimeError(
                f"mockservers serve exited with {child.returncode}: {(workdir / f'serve-{provider}.log').read_text()[-2000:]}"
            )
        if info_file.exists():
            try:
                return child, json.loads(info_file.read_text())[provider]
            except ValueError:
                pass  # half written
        time.sleep(0.05)
    child.kill()
    raise RuntimeError("mockservers serve did not write its info file within 60 s")


def start_baseline(workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    """The socket-to-file copy server in a child process; returns it and its base URL."""
    folder = workdir / "baseline"
    folder.mkdir(exist_ok=True)
    child = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("_socket_copy.py")), str(folder)], stdout=subprocess.PIPE
    )
    assert child.stdout is not None
    port = int(child.stdout.readline())
    return child, f"http://127.0.0.1:{port}"


def stop_child(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def upload_chunked(url: str, headers: dict[str, str], size_mib: int, field: str, file_name: str) -> tuple[int, bytes]:
    """POST with Transfer-Encoding: chunked (requests streams a generator body that way)."""
    headers = {**headers, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    response = requests.post(url, data=multipart_body(size_mib, field, file_name), headers=headers, timeout=600)
    return response.status_code, response.content


def upload_with_length(url: str, headers: dict[str, str], size_mib: int, field: str, file_name: str) -> tuple[int, bytes]:
    """POST with a Content-Length, streaming the same generator through http.client."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
    try:
        conn.putrequest("POST", parts.path)
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.putheader("Content-Type", f"multipart/form-data; boundary={BOUNDARY}")
        conn.putheader("Content-Length", str(body_length(size_mib, field, file_name)))
        conn.endheaders()
        for chunk in multipart_body(size_mib, field, file_name):
            conn.send(chunk)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _send(transfer: str, url: str, headers: dict[str, str], size_mib: int, field: str, file_name: str) -> tuple[int, bytes, float]:
    send = upload_chunked if transfer == "chunked" else upload_with_length
    started = time.perf_counter()
    status, body = send(url, headers, size_mib, field, file_name)
    return status, body, time.perf_counter() - started


# -- the two providers: where to upload and how to check the stored size ------------------------
def _pixop_target(base: str, creds: dict) -> tuple[str, dict[str, str], str, Any]:
    session = requests.Session()
    answer = session.get(f"{base}/accounts/v1/token", auth=(creds["email"], creds["password"]), timeout=30)
    answer.raise_for_status()
    auth = {"Authorization": f"Bearer {answer.json()['jwtToken']}"}
    answer = session.put(f"{base}/videos/v1/video", json={"name": "bench upload"}, headers=auth, timeout=30)
    answer.raise_for_status()
    video_id = answer.json()["videoId"]

    def stored(_body: bytes) -> int | None:
        answer = session.get(f"{base}/videos/v1/video/{video_id}", headers=auth, timeout=30)
        answer.raise_for_status()
        return (answer.json().get("video", {}).get("upload") or {}).get("fileSize")

    return f"{base}/media/v1/upload/{video_id}", auth, "file", stored


def _vonage_target(base: str, creds: dict) -> tuple[str, dict[str, str], str, Any]:
    token = base64.b64encode(f"{creds['api_key']}:{creds['api_secret']}".encode()).decode()

    def stored(body: bytes) -> int | None:
        return json.loads(body).get("media_size")

    return f"{base}/v3/media", {"Authorization": f"Basic {token}"}, "filedata", stored


TARGETS = {"pixop": _pixop_target, "vonage": _vonage_target}


def run(size_mib: int = 1024, transfer: str = "chunked", providers: tuple[str, ...] = ("pixop", "vonage")) -> None:
    heading(f"3. {size_mib} MiB multipart upload to a child emulator process vs a socket-to-file copy ({transfer} transfer)")
    with tempfile.TemporaryDirectory(prefix="mockservers-bench-") as tmp:
        workdir = Path(tmp)
        baseline, baseline_url = start_baseline(workdir)
        try:
            for provider in providers:
                _run_one(workdir, provider, size_mib, transfer, baseline_url)
        finally:
            stop_child(baseline)


def _copy_seconds(baseline_url: str, transfer: str, size_mib: int, field: str, file_name: str, folder: Path) -> float:
    status, body, took = _send(transfer, f"{baseline_url}/upload", {}, size_mib, field, file_name)
    if status != 200:
        raise RuntimeError(f"the socket-to-file baseline answered {status}: {body[:200]!r}")
    for leftover in folder.glob("upload-*.bin"):
        leftover.unlink()  # the disk holds one copy at a time
    return took


def _run_one(workdir: Path, provider: str, size_mib: int, transfer: str, baseline_url: str) -> None:
    # Vonage refuses files over its max_upload_bytes setting (100 MiB by default): raised for the run.
    settings = (f"vonage.max_upload_bytes={(size_mib + 16) * MIB}",) if provider == "vonage" else ()
    file_name = "bench-upload.bin"
    child, info = start_child(workdir, provider, settings)
    try:
        url, headers, field, stored_size = TARGETS[provider](info["base_url"], info["credentials"])
        before = _copy_seconds(baseline_url, transfer, size_mib, field, file_name, workdir / "baseline")

        sampler = RssSampler(child.pid)
        sampler.start()
        time.sleep(0.5)  # baseline samples of the idle, warmed-up server
        baseline_rss = min(sampler.samples) if sampler.samples else psutil.Process(child.pid).memory_info().rss
        status, body, elapsed = _send(transfer, url, headers, size_mib, field, file_name)
        samples = sampler.stop()
        if status not in (200, 201):
            raise RuntimeError(f"{provider} upload answered {status}: {body[:500]!r}")
        stored = stored_size(body)
        if stored is not None and stored != size_mib * MIB:
            raise RuntimeError(f"the {provider} emulator stored {stored} bytes, expected {size_mib * MIB}")
        # The journal's duration is the app's share: from the call of the app (the server has
        # received the whole body by then) to the answer; the rest is the server receiving.
        journal = requests.get(f"{info['base_url']}/__admin/journal", params={"method": "POST", "path": urlsplit(url).path}, timeout=60)
        app_seconds = journal.json()["entries"][-1]["duration_ms"] / 1000
        after = _copy_seconds(baseline_url, transfer, size_mib, field, file_name, workdir / "baseline")
    finally:
        stop_child(child)

    peak = max(samples)
    growth_mib = (peak - baseline_rss) / MIB
    copy_seconds = (before + after) / 2
    ratio = copy_seconds / elapsed
    label = f"upload {size_mib} MiB" if provider == "pixop" else f"{provider} upload {size_mib} MiB"
    report(
        "upload",
        f"{label} peak RSS growth",
        f"{growth_mib:.1f} MiB (baseline {baseline_rss / MIB:.1f} MiB, peak {peak / MIB:.1f} MiB, {len(samples)} samples)",
        f"< {GOAL_RSS_MIB} MiB",
        growth_mib < GOAL_RSS_MIB,
    )
    report(
        "upload",
        f"{label} throughput",
        f"{size_mib / elapsed:.1f} MiB/s ({elapsed:.2f} s, {transfer} transfer; the app {app_seconds:.2f} s of it, after the server had the body)",
    )
    report(
        "upload",
        f"{label} {provider} / socket-to-file copy",
        f"{ratio:.2f}x ({size_mib / elapsed:.0f} vs {size_mib / copy_seconds:.0f} MiB/s; copy {before:.2f} s before, {after:.2f} s after)",
        f">= {GOAL_COPY_RATIO}x",
        ratio >= GOAL_COPY_RATIO,
    )


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--upload-mib", type=int, default=1024)
    parser.add_argument("--upload-transfer", choices=("chunked", "length"), default="chunked")
    parser.add_argument("--provider", choices=tuple(TARGETS), action="append")
    args = parser.parse_args()
    run(args.upload_mib, args.upload_transfer, tuple(args.provider or TARGETS))
