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

from _common import ROOT, fmt_ms, heading, median, report

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
    heading(f"4. GET /__admin/journal of {entries:,} entries (child emulator process): the first read after filling, then repeated reads")
    from pathlib import Path

    import requests
    from bench_upload import start_child, stop_child

    # The emulator in its own process (as `mockservers serve` runs it): the client reading
    # megabytes does not share the server's interpreter lock.
    with tempfile.TemporaryDirectory(prefix="mockservers-bench-") as tmp:
        child, info = start_child(Path(tmp), "pixop")
        try:
            base, creds = info["base_url"], info["credentials"]
            session = requests.Session()
            answer = session.get(f"{base}/accounts/v1/token", auth=(creds["email"], creds["password"]), timeout=30)
            answer.raise_for_status()
            headers = {"Authorization": f"Bearer {answer.json()['jwtToken']}"}
            for index in range(entries):
                # Real exchanges with a JSON answer (and some with a JSON request body), each one new to the journal.
                if index % 4:
                    session.get(f"{base}/accounts/v1/account", headers=headers, timeout=10)
                else:
                    session.put(f"{base}/videos/v1/project", json={"name": f"journal {index}"}, headers=headers, timeout=10)
            url = f"{base}/__admin/journal"

            def read() -> tuple[float, int, int]:
                start = time.perf_counter()
                response = session.get(url, timeout=60)
                size = len(response.content)
                took = time.perf_counter() - start
                return took, response.json()["count"], size

            first, count, size = read()  # nothing read before: every entry is new to the reader
            repeated = median([read()[0] for _ in range(3 if quick else 5)])
            filtered_start = time.perf_counter()
            session.get(url, params={"method": "PUT", "path": "/videos/*"}, timeout=60).content  # noqa: B018
            filtered = time.perf_counter() - filtered_start
        finally:
            stop_child(child)
    detail = f"{fmt_ms(first)} ({count:,} entries, {size / 1e6:.1f} MB, read with requests)"
    if quick:  # a smoke run reads fewer entries: informational only
        report("journal", f"GET /__admin/journal first read ({entries:,} entries)", detail)
    else:
        report("journal", "GET /__admin/journal first read (10,000 entries)", detail, f"<= {fmt_ms(GOAL_JOURNAL_S)}", first <= GOAL_JOURNAL_S)
    report("journal", "GET /__admin/journal repeated read: median", fmt_ms(repeated))
    report("journal", "GET /__admin/journal?method=PUT&path=/videos/*", fmt_ms(filtered))


def _collect_seconds(env: dict[str, str], directory: str, runs: int, extra: tuple[str, ...] = ()) -> float:
    timings = []
    command = [sys.executable, "-m", "pytest", "--co", "-q", "-p", "no:cacheprovider", *extra, directory]
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, env=env, cwd=directory, capture_output=True, text=True, timeout=120, check=False)
        timings.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} exited with {done.returncode}: {(done.stdout + done.stderr)[-2000:]}")
    return median(timings)


def _dist_key(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def core_install_dists() -> set[str]:
    """The distributions a ``pip install mockservers`` (no extras) brings: its requirements' closure.

    mockservers' own requirements come from this checkout's pyproject.toml (the venv's
    installed metadata may be older); theirs from the installed distributions.
    """
    from importlib import metadata

    import tomllib
    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    seen: set[str] = {"mockservers"}
    todo = [Requirement(line) for line in project["dependencies"]]
    while todo:
        wanted = todo.pop()
        name = _dist_key(wanted.name)
        key = f"{name}[{','.join(sorted(wanted.extras))}]"
        if key in seen:
            continue
        seen.update((key, name))
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for line in requires:
            requirement = Requirement(line)
            marker = requirement.marker
            if marker is None or any(marker.evaluate({"extra": extra}) for extra in ("", *wanted.extras)):
                todo.append(requirement)
    return {name for name in seen if "[" not in name}


def pytest_plugins_installed() -> dict[str, str]:
    """Every pytest11 entry point of this environment: plugin name -> its distribution."""
    from importlib import metadata

    return {ep.name: _dist_key(ep.dist.name) if ep.dist else "?" for ep in metadata.entry_points(group="pytest11")}


def run_collect(quick: bool = False) -> None:
    heading("5. unrelated `pytest --co`: a core install of mockservers vs a plain venv")
    runs = 3 if quick else 7
    plugins = pytest_plugins_installed()
    core = core_install_dists()
    core_plugins = sorted(name for name, dist in plugins.items() if dist in core)
    foreign = sorted(name for name, dist in plugins.items() if dist not in core)
    # The core install's plugins load as pytest loads them (entry points); the plugins of
    # distributions a core install does not have (extras, test tools) are blocked by name.
    blocked = tuple(arg for name in foreign for arg in ("-p", f"no:{name}"))
    print(f"  core install's pytest plugins (loaded): {', '.join(core_plugins) or '-'}")
    print(f"  other plugins in this venv (blocked with -p no:NAME for the core-install run): {', '.join(foreign) or '-'}")
    with tempfile.TemporaryDirectory() as directory:
        with open(os.path.join(directory, "test_unrelated.py"), "w") as handle:
            handle.write("def test_one():\n    assert 1 + 1 == 2\n")
        env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_PLUGINS", "PYTEST_ADDOPTS", "PYTEST_DISABLE_PLUGIN_AUTOLOAD")}
        plain_env = {**env, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
        ours_env = {**plain_env, "PYTEST_PLUGINS": "mockservers.pytest_plugin"}
        # Interleaved so drift on a shared machine hits every variant alike.
        timings: dict[str, list[float]] = {"plain": [], "core": [], "ours": [], "all": []}
        for _ in range(runs):
            # "plain": the same interpreter with plugin autoload off, i.e. pytest and nothing else.
            timings["plain"].append(_collect_seconds(plain_env, directory, 1))
            timings["core"].append(_collect_seconds(env, directory, 1, blocked))
            timings["ours"].append(_collect_seconds(ours_env, directory, 1))
            if not quick:
                timings["all"].append(_collect_seconds(env, directory, 1))
    plain, core_s, ours = (median(timings[k]) for k in ("plain", "core", "ours"))
    ratio = core_s / plain
    report(
        "collect",
        f"pytest --co, core install ({'+'.join(core_plugins)} plugins) / plain",
        f"{ratio:.2f}x ({core_s * 1000:.0f} ms vs {plain * 1000:.0f} ms)",
        f"<= {GOAL_COLLECT_RATIO}x",
        ratio <= GOAL_COLLECT_RATIO,
    )
    report("collect", "pytest --co, mockservers plugin alone / plain", f"{ours / plain:.2f}x ({ours * 1000:.0f} ms)")
    if timings["all"]:
        every = median(timings["all"])
        report("collect", "pytest --co, every plugin of this venv ([all,test] install) / plain", f"{every / plain:.2f}x ({every * 1000:.0f} ms)")
