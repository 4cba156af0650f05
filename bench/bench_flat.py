"""Issue 17 goals on flat costs: reset per provider (demo and a 100x world), admin journal of 10,000 entries, `pytest --co`.

The 100x world is the demo world's tables each repeated 100 times (records
copied under new keys) and installed as the state's built world, so ``reset()``
loads it exactly as it loads a world a provider built itself.
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import tempfile
import time

from _common import fmt_ms, heading, median, report

from mockservers.core import state as state_module
from mockservers.core.emulator import EmulatorConfig
from mockservers.core.s3 import S3Endpoint
from mockservers.core.tables import FrozenDict
from mockservers.registry import PROVIDERS, create_emulator

GOAL_RESET_S = 0.001
GOAL_RESET_100X_S = 0.005
GOAL_JOURNAL_S = 0.050
GOAL_COLLECT_RATIO = 1.2


def _reset_median(emulator: object, count: int) -> float:
    for _ in range(3):
        emulator.reset()  # type: ignore[attr-defined]
    timings = []
    for _ in range(count):
        start = time.perf_counter()
        emulator.reset()  # type: ignore[attr-defined]
        timings.append(time.perf_counter() - start)
    return median(timings)


def _scale_world(emulator: object, factor: int) -> int:
    """Make ``emulator``'s state reset to its tables repeated ``factor`` times (this emulator only).

    The process-wide cache of built worlds keeps the demo world: a later section (or emulator)
    built from the same seed and world must get the demo world, not this one.
    """
    state = emulator.state  # type: ignore[attr-defined]
    db = {}
    for table, rows in state.db.items():
        scaled = dict(rows.items())  # items(): read without copying each record
        for copy_index in range(1, factor):
            for key, record in rows.items():
                # A frozen record is read-only, so the copies can share it (a state copies one it writes).
                scaled[f"{key}x{copy_index}"] = record if isinstance(record, FrozenDict) else copy.deepcopy(record)
        db[table] = scaled
    key = state_module._world_key(state)
    built = state_module.BuiltWorld.freeze(db, state.meta, state.ids.getstate(), key[-1])
    # reset() reuses the world the state was built from (while its variant holds): point it at the scaled one.
    state._built = built
    return sum(len(rows) for rows in db.values() if isinstance(rows, dict))


def run_reset(quick: bool = False) -> None:
    count = 20 if quick else 100
    heading(f"2. Emulator.reset() per provider, demo and 100x world (median of {count})")
    s3 = S3Endpoint().start()
    try:
        for name in PROVIDERS:
            emulator = create_emulator(name, EmulatorConfig(s3=s3)).start()
            try:
                demo = _reset_median(emulator, count)
                report("reset", f"reset {name} demo world", fmt_ms(demo), f"<= {fmt_ms(GOAL_RESET_S)}", demo <= GOAL_RESET_S)
                records = _scale_world(emulator, 100)
                big = _reset_median(emulator, max(5, count // 5))
                report("reset", f"reset {name} 100x world ({records} records)", fmt_ms(big), f"<= {fmt_ms(GOAL_RESET_100X_S)}", big <= GOAL_RESET_100X_S)
                # Reset copies nothing; a test's first touches copy only the records they take by key.
                largest = max(emulator.state.db, key=lambda table: len(emulator.state.db[table]))
                emulator.reset()
                start = time.perf_counter()
                rows = emulator.state.db[largest]
                record = rows[next(iter(rows))]  # a writable copy of one record
                record["bench"] = True
                first = time.perf_counter() - start
                report("reset", f"then a first write to {name}'s largest table ({largest}, {len(rows)} records)", fmt_ms(first))
            finally:
                emulator.close()
    finally:
        s3.stop()


def run_journal(quick: bool = False) -> None:
    entries = 2_000 if quick else 10_000
    heading(f"4. GET /__admin/journal of {entries:,} entries")
    import requests

    emulator = create_emulator("pixop").start()
    try:
        session = requests.Session()
        for _ in range(entries):
            session.get(f"{emulator.base_url}/accounts/v1/account", timeout=10)
        timings = []
        for _ in range(3 if quick else 5):
            start = time.perf_counter()
            response = session.get(f"{emulator.base_url}/__admin/journal", timeout=60)
            response.content  # noqa: B018 - read the whole answer
            timings.append(time.perf_counter() - start)
        took = median(timings)
        if quick:  # a smoke run reads fewer entries: informational only
            report("journal", f"GET /__admin/journal ({entries:,} entries)", fmt_ms(took))
        else:
            report("journal", "GET /__admin/journal (10,000 entries)", fmt_ms(took), f"<= {fmt_ms(GOAL_JOURNAL_S)}", took <= GOAL_JOURNAL_S)
    finally:
        emulator.close()


def _collect_seconds(env: dict[str, str], directory: str, runs: int) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pytest", "--co", "-q", "-p", "no:cacheprovider", directory], env=env, cwd=directory, capture_output=True, timeout=120, check=False)
        timings.append(time.perf_counter() - start)
    return median(timings)


def run_collect(quick: bool = False) -> None:
    heading("5. unrelated `pytest --co` with mockservers installed vs without its plugin")
    runs = 1 if quick else 5
    with tempfile.TemporaryDirectory() as directory:
        with open(os.path.join(directory, "test_unrelated.py"), "w") as handle:
            handle.write("def test_one():\n    assert 1 + 1 == 2\n")
        env = {**os.environ}
        # "Without": the same interpreter with every third-party plugin autoload off (a plain venv's cost).
        plain = _collect_seconds({**env, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}, directory, runs)
        installed = _collect_seconds(env, directory, runs) if not quick else None
        only_ours = _collect_seconds({**env, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTEST_PLUGINS": "mockservers.pytest_plugin"}, directory, runs)
    ratio_ours = only_ours / plain
    report("collect", "pytest --co, mockservers plugin only / plain", f"{ratio_ours:.2f}x ({only_ours * 1000:.0f} ms vs {plain * 1000:.0f} ms)", f"<= {GOAL_COLLECT_RATIO}x", ratio_ours <= GOAL_COLLECT_RATIO)
    if installed is not None:
        report("collect", "pytest --co, this venv's plugins ([all,test] install) / plain", f"{installed / plain:.2f}x ({installed * 1000:.0f} ms)")
