"""The README's CI example, run as written: the suite's recorded traffic, a browser HAR, the checks."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"

USER_TEST = '''
def test_my_client(pixop):
    import requests
    creds = pixop.credentials
    token = requests.get(pixop.base_url + "/accounts/v1/token", auth=(creds["email"], creds["password"]), timeout=10)
    auth = {"Authorization": "Bearer " + token.json()["jwtToken"]}
    assert requests.get(pixop.base_url + "/videos/v1/projects", headers=auth, timeout=10).status_code == 200
    assert requests.put(pixop.base_url + "/videos/v1/project", json={"name": "ci"}, headers=auth, timeout=10).status_code == 200
'''

BROWSER_HAR = {
    "log": {
        "version": "1.2",
        "creator": {"name": "browser", "version": "1"},
        "entries": [
            {
                "request": {"method": "GET", "url": "https://cdn.example.com/app.js", "headers": []},
                "response": {"status": 200, "content": {"mimeType": "text/javascript", "text": "x()"}},
            }
        ],
    }
}


def _ci_steps() -> list[str]:
    block = README.read_text().split("# .github/workflows/api-clients.yml", 1)[1].split("```", 1)[0]
    steps, lines = [], block.splitlines()
    for index, line in enumerate(lines):
        match = re.match(r"\s*- run: (.*)", line)
        if not match:
            continue
        command = match.group(1)
        if command.strip() == ">":  # a folded block: the indented lines that follow
            folded = []
            for more in lines[index + 1 :]:
                if not more.startswith(" " * (len(line) - len(line.lstrip()) + 2)):
                    break
                folded.append(more.strip())
            command = " ".join(folded)
        steps.append(re.sub(r"\s+#.*$", "", command).strip())
    return steps


def _run(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # As on a CI runner: not inside this suite's xdist worker (whose variables name the record file).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "MOCKSERVERS_"))}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_the_readme_ci_example_runs_as_written(pixop, tmp_path: Path) -> None:
    steps = _ci_steps()
    pytest_step = next(s for s in steps if s.startswith("pytest "))
    verify_step = next(s for s in steps if "verify-journal" in s)
    check_step = next(s for s in steps if "contracts check" in s)
    # The user's test suite, recording its traffic.
    (tmp_path / "test_client.py").write_text(USER_TEST)
    ran = _run(pytest_step + " -p no:cacheprovider -q", tmp_path)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    recorded = sorted((tmp_path / "recorded").glob("*.jsonl"))
    assert [p.name for p in recorded] == ["pixop-main.jsonl"]
    assert any(json.loads(line)["method"] == "PUT" for line in recorded[0].read_text().splitlines())
    # A browser's HAR with a host that is no provider's lands beside it.
    (tmp_path / "recorded" / "browser.har").write_text(json.dumps(BROWSER_HAR))
    ran = _run(verify_step, tmp_path)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "PUT /videos/v1/project" in ran.stdout and "1 host cdn.example.com (no provider)" in ran.stdout
    assert (tmp_path / "contracts.xml").read_text().count("<testcase") >= 3
    # The scheduled job against "the real provider": here the session's emulator stands in for it.
    (tmp_path / "creds.json").write_text(json.dumps(pixop.credentials))
    command = check_step.replace("${{ matrix.provider }}", "pixop")
    command = re.sub(r"\$\{\{ vars\[.*?\] \}\}", shlex.quote(pixop.base_url), command)
    ran = _run(command, tmp_path)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "violation(s)" in ran.stdout and " 0 violation(s)" in ran.stdout
