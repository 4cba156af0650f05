"""Issue 17 goal on flat costs: each provider's main list and search at 100x the demo world <= 3x at the demo world.

Every request is a raw in-process WSGI call of the emulator's app (no socket),
authenticated with the header the emulator's own ``/__admin/ui/auth`` hands
out. The 100x world is the demo world's tables repeated 100 times (see
``bench_flat._scale_world``), installed as the built world and loaded by a
reset, exactly as a world the provider built itself.

Two costs per endpoint, demo world against 100x world:

* ``list``: the median of repeated calls (a test paging through results);
* ``first``: ``reset()`` plus the first call after it (what a test pays for
  its first look at the world), the best of several resets: each reset wakes
  the scheduler's thread, and on a busy machine that hand-off, not the
  emulator's work, is what varies.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from _common import fmt_ms, heading, median, report
from bench_flat import _scale_world
from bench_requests import wsgi_caller

from mockservers.core.emulator import EmulatorConfig
from mockservers.core.s3 import S3Endpoint
from mockservers.registry import create_emulator

GOAL_RATIO = 3.0
SCALE = 100


def _auth_headers(emulator: Any) -> dict[str, str]:
    """The provider's auth header(s), fetched from the emulator itself (a real token)."""
    body = wsgi_caller(emulator.app, "/__admin/ui/auth", {})()
    lines = json.loads(body)["headers"]
    if not lines:
        raise RuntimeError(f"{emulator.provider.name}: /__admin/ui/auth handed out no header: {body[:300]!r}")
    return dict(line.split(": ", 1) for line in lines)


def _endpoints(name: str, emulator: Any) -> dict[str, str]:
    """label -> path of the provider's main list and search calls (ids read from the demo world)."""
    state = emulator.state
    if name == "pixop":
        team = emulator.credentials["team_id"]
        project = state.list_projects(team)[0]["id"]
        return {
            "GET /videos/v1/projects": "/videos/v1/projects",
            "GET /videos/v1/videos?projectId": f"/videos/v1/videos?projectId={project}",
        }
    if name == "vonage":
        return {"GET /v3/media": "/v3/media?page_size=20", "GET /v3/media (ascending, page 3)": "/v3/media?order=ascending&page_index=3"}
    if name == "bluebillywig":
        return {
            "GET /sapi/mediaclip": "/sapi/mediaclip?limit=15",
            "GET /sapi/mediaclip?q=<title word>": "/sapi/mediaclip?limit=15&q=title:" + _bb_word(state),
        }
    if name == "mediaflow":
        folder = emulator.credentials["upload_folder_id"]
        return {"GET /1/file/latest": "/1/file/latest", "GET /1/folders/<id>/files": f"/1/folders/{folder}/files"}
    if name == "mediabank":
        word = _mediabank_word(state)
        # A page as long as the demo world's matches: at 100x the same search matches 100 times as many
        # (the world is repeated), and a fuller page would measure the longer answer, not the search.
        found = sum(any(word.casefold() in v.casefold() for v in a["metadata"].values()) for a in state.db["assets"].values())
        return {"GET /asset/": "/asset/", "GET /asset/?q=<metadata word>": f"/asset/?q={word}&per_page={max(1, found)}"}
    raise KeyError(name)


def _bb_word(state: Any) -> str:
    """A word of a published clip's title (a search that finds a few clips)."""
    titles = sorted(c["title"] for c in state.db["mediaclips"].values() if c["status"] == "published" and c["title"])
    return titles[0].split()[0].strip(".,:;!?").lower()


def _mediabank_word(state: Any) -> str:
    """A word of a seeded asset's metadata (a search that finds a few assets)."""
    values = sorted(v for a in state.db["assets"].values() for v in a["metadata"].values() if isinstance(v, str) and len(v) > 3)
    return values[0].split()[0][:8]


def _caller(emulator: Any, path: str, headers: dict[str, str]) -> Callable[[], bytes]:
    call = wsgi_caller(emulator.app, path, headers)

    def checked() -> bytes:
        body = call()
        status = call.status[-1]  # type: ignore[attr-defined]
        if not status.startswith("200"):
            raise RuntimeError(f"GET {path} answered {status}: {body[:300]!r}")
        return body

    return checked


def _costs(emulator: Any, name: str, paths: dict[str, str], calls: int, resets: int) -> dict[str, tuple[float, float]]:
    """label -> (median seconds of a repeated call, best seconds of reset + first call)."""
    emulator.reset()
    headers = _auth_headers(emulator)
    costs = {}
    for label, path in paths.items():
        call = _caller(emulator, path, headers)
        call()  # warm-up
        timings = []
        for _ in range(calls):
            start = time.perf_counter()
            call()
            timings.append(time.perf_counter() - start)
        firsts = []
        for _ in range(resets):
            start = time.perf_counter()
            emulator.reset()
            call()
            firsts.append(time.perf_counter() - start)
        costs[label] = (median(timings), min(firsts))
    return costs


def run(quick: bool = False) -> None:
    calls, resets = (15, 5) if quick else (60, 15)
    heading(f"3. list and search: demo world vs {SCALE}x (in-process WSGI, median of {calls} calls, {resets} resets)")
    s3 = S3Endpoint().start()
    try:
        for name in ("pixop", "vonage", "bluebillywig", "mediaflow", "mediabank"):
            emulator = create_emulator(name, EmulatorConfig(s3=s3)).start()  # serving: credentials name URLs
            try:
                paths = _endpoints(name, emulator)
                demo = _costs(emulator, name, paths, calls, resets)
                records = _scale_world(emulator, SCALE)
                emulator.reset()
                loaded = sum(len(rows) for rows in emulator.state.db.values())
                if loaded < records // 2:  # e.g. Vonage's anchor hour moved on and the reset rebuilt the demo world
                    raise RuntimeError(f"{name}: the {SCALE}x world did not load ({loaded} of {records} records)")
                big = _costs(emulator, name, paths, max(5, calls // 3), max(3, resets // 2))
                for label in paths:
                    (demo_call, demo_first), (big_call, big_first) = demo[label], big[label]
                    ratio = big_call / demo_call
                    report(
                        "lists",
                        f"{name} {label} {SCALE}x/demo",
                        f"{ratio:.2f}x ({fmt_ms(big_call)} vs {fmt_ms(demo_call)}; {records} records)",
                        f"<= {GOAL_RATIO:g}x",
                        ratio <= GOAL_RATIO,
                    )
                    first_ratio = big_first / demo_first
                    report(
                        "lists",
                        f"{name} reset + first {label} {SCALE}x/demo",
                        f"{first_ratio:.2f}x ({fmt_ms(big_first)} vs {fmt_ms(demo_first)})",
                        f"<= {GOAL_RATIO:g}x",
                        first_ratio <= GOAL_RATIO,
                    )
            finally:
                emulator.close()
    finally:
        s3.stop()


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    run(parser.parse_args().quick)
