"""docs/curl.md runs as written: every sh block against a real sandbox, with curl and jq."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "curl.md").read_text()
# "## Pixop (`BASE=...`)" heads each provider's block.
SECTIONS = re.findall(r"^## (\S+).*?\n```sh\n(.*?)^```", DOC, flags=re.S | re.M)
NAMES = {"Pixop": "pixop", "Vonage": "vonage", "Blue": "bluebillywig", "Mediaflow": "mediaflow", "Mediabank": "mediabank"}


def test_every_provider_has_a_walkthrough() -> None:
    assert sorted(NAMES[title] for title, _ in SECTIONS) == sorted(NAMES.values())


@pytest.mark.slow
def test_curl_walkthroughs_run(run_sandbox, tmp_path: Path) -> None:
    if not (shutil.which("curl") and shutil.which("jq")):
        pytest.fail("curl and jq are needed for the curl docs test (Debian packages curl, jq)")
    ports = [arg for name in [*NAMES.values(), "s3", "dashboard"] for arg in ("--port", f"{name}=0")]
    _process, info = run_sandbox(*NAMES.values(), *ports)
    # `mockservers` on PATH runs this tree's code (the console script of the interpreter running the tests).
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    launcher = bin_dir / "mockservers"
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m mockservers "$@"\n')
    launcher.chmod(0o755)
    for title, script in SECTIONS:
        name = NAMES[title]
        env = {
            **os.environ,
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "BASE": info[name]["base_url"],
            "S3": info["s3"]["base_url"],
            "MEDIA": str(ROOT / "fixtures" / "media" / "small.mov"),
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        }
        result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], capture_output=True, text=True,
                                timeout=120, cwd=tmp_path, env=env)
        assert result.returncode == 0, f"{title}: {result.stdout[-1500:]}\n{result.stderr[-1500:]}"
