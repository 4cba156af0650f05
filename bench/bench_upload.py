"""Goal 3: a large upload must stream: peak RSS growth of the emulator < 64 MiB.

The emulator runs in a child process (``mockservers serve pixop --port
pixop=0 --info-file ...``). The client logs in, creates a video and POSTs a
multipart body to /media/v1/upload/<video_id> that it generates on the fly
(envelope + N MiB of deterministic bytes in 1 MiB chunks, never built in
memory). By default the body goes out with chunked transfer encoding
(requests with a generator body); ``--upload-transfer length`` sends it with
a Content-Length through http.client instead. A thread samples the child's
RSS with psutil every 50 ms. The bytes are not media, so ingestion reports
FAILED afterwards; only the upload itself is measured.
"""

from __future__ import annotations

import http.client
import json
import random
import struct
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import requests
from _common import VENV_BIN, heading, report

GOAL_RSS_MIB = 64
MIB = 1024 * 1024
BOUNDARY = "mockservers-bench-boundary-7d3c1f"
SAMPLE_SECONDS = 0.05


def multipart_parts(file_name: str) -> tuple[bytes, bytes]:
    """The envelope before and after the file bytes."""
    head = (
        f"--{BOUNDARY}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    return head, tail


def multipart_body(size_mib: int, file_name: str) -> Iterator[bytes]:
    """The multipart body, produced 1 MiB at a time (deterministic pseudo-random bytes)."""
    head, tail = multipart_parts(file_name)
    block = random.Random(1234).randbytes(MIB)
    yield head
    for index in range(size_mib):
        # Vary each chunk a little so the file is not one block repeated.
        yield struct.pack(">Q", index) + block[8:]
    yield tail


def body_length(size_mib: int, file_name: str) -> int:
    head, tail = multipart_parts(file_name)
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


def start_child(workdir: Path) -> tuple[subprocess.Popen[bytes], dict]:
    """``mockservers serve pixop`` on a free port; returns the process and its info file's pixop entry."""
    info_file = workdir / "info.json"
    log = open(workdir / "serve.log", "wb")  # noqa: SIM115 - closed with the process
    child = subprocess.Popen(
        [str(VENV_BIN / "mockservers"), "serve", "pixop", "--port", "pixop=0", "--info-file", str(info_file)],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=workdir,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise RuntimeError(
                f"mockservers serve exited with {child.returncode}: {(workdir / 'serve.log').read_text()[-2000:]}"
            )
        if info_file.exists():
            try:
                return child, json.loads(info_file.read_text())["pixop"]
            except ValueError:
                pass  # half written
        time.sleep(0.05)
    child.kill()
    raise RuntimeError("mockservers serve did not write its info file within 60 s")


def stop_child(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def upload_chunked(url: str, token: str, size_mib: int, file_name: str) -> requests.Response:
    """POST with Transfer-Encoding: chunked (requests streams a generator body that way)."""
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
    }
    return requests.post(url, data=multipart_body(size_mib, file_name), headers=headers, timeout=600)


def upload_with_length(url: str, token: str, size_mib: int, file_name: str) -> tuple[int, bytes]:
    """POST with a Content-Length, streaming the same generator through http.client."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
    try:
        conn.putrequest("POST", parts.path)
        conn.putheader("Authorization", f"Bearer {token}")
        conn.putheader("Content-Type", f"multipart/form-data; boundary={BOUNDARY}")
        conn.putheader("Content-Length", str(body_length(size_mib, file_name)))
        conn.endheaders()
        for chunk in multipart_body(size_mib, file_name):
            conn.send(chunk)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def run(size_mib: int = 1024, transfer: str = "chunked") -> None:
    heading(f"3. {size_mib} MiB multipart upload to a child emulator process ({transfer} transfer)")
    with tempfile.TemporaryDirectory(prefix="mockservers-bench-") as tmp:
        child, info = start_child(Path(tmp))
        try:
            base = info["base_url"]
            session = requests.Session()
            creds = info["credentials"]
            answer = session.get(
                f"{base}/accounts/v1/token", auth=(creds["email"], creds["password"]), timeout=30
            )
            answer.raise_for_status()
            token = answer.json()["jwtToken"]
            auth = {"Authorization": f"Bearer {token}"}
            answer = session.put(
                f"{base}/videos/v1/video", json={"name": "bench upload"}, headers=auth, timeout=30
            )
            answer.raise_for_status()
            video_id = answer.json()["videoId"]
            url = f"{base}/media/v1/upload/{video_id}"
            file_name = "bench-upload.bin"

            sampler = RssSampler(child.pid)
            sampler.start()
            time.sleep(0.5)  # baseline samples of the idle, warmed-up server
            baseline = (
                min(sampler.samples) if sampler.samples else psutil.Process(child.pid).memory_info().rss
            )
            started = time.perf_counter()
            if transfer == "chunked":
                response = upload_chunked(url, token, size_mib, file_name)
                status, body = response.status_code, response.content
            else:
                status, body = upload_with_length(url, token, size_mib, file_name)
            elapsed = time.perf_counter() - started
            samples = sampler.stop()
            if status != 200:
                raise RuntimeError(f"upload answered {status}: {body[:500]!r}")
            answer = session.get(f"{base}/videos/v1/video/{video_id}", headers=auth, timeout=30)
            answer.raise_for_status()
            stored = (answer.json().get("video", {}).get("upload") or {}).get("fileSize")
            if stored is not None and stored != size_mib * MIB:
                raise RuntimeError(f"the emulator stored {stored} bytes, expected {size_mib * MIB}")
        finally:
            stop_child(child)

    peak = max(samples)
    growth_mib = (peak - baseline) / MIB
    report(
        "upload",
        f"upload {size_mib} MiB peak RSS growth",
        f"{growth_mib:.1f} MiB (baseline {baseline / MIB:.1f} MiB, peak {peak / MIB:.1f} MiB, {len(samples)} samples)",
        f"< {GOAL_RSS_MIB} MiB",
        growth_mib < GOAL_RSS_MIB,
    )
    report(
        "upload",
        f"upload {size_mib} MiB throughput",
        f"{size_mib / elapsed:.1f} MiB/s ({elapsed:.2f} s, {transfer} transfer)",
    )


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--upload-mib", type=int, default=1024)
    parser.add_argument("--upload-transfer", choices=("chunked", "length"), default="chunked")
    args = parser.parse_args()
    run(args.upload_mib, args.upload_transfer)
