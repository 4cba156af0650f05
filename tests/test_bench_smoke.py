"""The benchmarks run end to end (quick mode, small upload) and print every measurement."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

MEASUREMENTS = (
    "in-process GET /accounts/v1/account emulator/bare: ",
    "in-process GET /videos/v1/project/<id> emulator/bare: ",
    "socket GET /accounts/v1/account emulator/bare: ",
    "socket GET /videos/v1/project/<id> emulator/bare: ",
    "Emulator.reset() after a small mutation: median ",
    "server start + stop: median ",
    "pixop GET /videos/v1/projects 100x/demo: ",
    "bluebillywig reset + first GET /sapi/mediaclip?q=<title word> 100x/demo: ",
    "upload 16 MiB peak RSS growth: ",
    "upload 16 MiB throughput: ",
)


@pytest.mark.slow
def test_bench_quick_run_prints_every_measurement() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--upload-mib", "16"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    for measurement in MEASUREMENTS:
        assert measurement in result.stdout, f"missing {measurement!r} in:\n{result.stdout}"
    assert "== summary" in result.stdout
