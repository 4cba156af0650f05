"""fixtures/bluebillywig/make_contracts.py writes exactly the committed contracts (so it cannot drift)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_generator_reproduces_the_committed_contracts(tmp_path: Path) -> None:
    script = tmp_path / "fixtures" / "bluebillywig" / "make_contracts.py"
    script.parent.mkdir(parents=True)
    shutil.copy(ROOT / "fixtures" / "bluebillywig" / "make_contracts.py", script)
    subprocess.run([sys.executable, str(script)], check=True, timeout=120)
    written = {p.name: p.read_text() for p in (tmp_path / "contracts" / "bluebillywig").glob("*.json")}
    committed = {p.name: p.read_text() for p in (ROOT / "contracts" / "bluebillywig").glob("*.json")}
    assert sorted(written) == sorted(committed)
    changed = [name for name in committed if written[name] != committed[name]]
    assert changed == [], f"run python fixtures/bluebillywig/make_contracts.py after changing it; differs: {changed}"
