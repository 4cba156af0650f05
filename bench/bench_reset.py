"""Goal 2: what resetting between tests costs.

* ``Emulator.reset()`` of a Pixop emulator after a small mutation (a new
  project and video, a minted token): goal <= 1 ms (median; p95 shown).
* ``emulator.start('127.0.0.1', 0)`` then ``.stop()``: goal <= 100 ms (median).
"""

from __future__ import annotations

import gc
import time

from _common import fmt_ms, heading, median, percentile, pixop_emulator, pixop_token, report

GOAL_RESET_S = 0.001
GOAL_START_STOP_S = 0.100


def _mutate(emulator: object, index: int) -> None:
    """A small change of the kind a test makes before the next reset."""
    state = emulator.state  # type: ignore[attr-defined]
    creds = emulator.credentials  # type: ignore[attr-defined]
    project = state.create_project(creds["team_id"], f"bench project {index}")
    state.create_video(creds["team_id"], creds["user_id"], f"bench video {index}", project["id"])
    pixop_token(emulator)


def run(quick: bool = False) -> None:
    resets, start_stops = (50, 5) if quick else (200, 20)
    heading(f"2. reset between tests ({resets} resets, {start_stops} start+stop cycles)")
    emulator = pixop_emulator()
    try:
        # Warm-up: the first reset builds nothing new (the world is cached) but imports and caches settle.
        for index in range(5):
            _mutate(emulator, index)
            emulator.reset()
        timings: list[float] = []
        gc.collect()
        for index in range(resets):
            _mutate(emulator, index)
            start = time.perf_counter()
            emulator.reset()
            timings.append(time.perf_counter() - start)
        if emulator.state.db["projects"] and any(
            p["name"].startswith("bench project") for p in emulator.state.db["projects"].values()
        ):
            raise RuntimeError("reset() left a mutation behind")
        med, p95 = median(timings), percentile(timings, 0.95)
        report(
            "reset",
            "Emulator.reset() after a small mutation",
            f"median {fmt_ms(med)}, p95 {fmt_ms(p95)}, max {fmt_ms(max(timings))}",
            f"median <= {fmt_ms(GOAL_RESET_S)}",
            med <= GOAL_RESET_S,
        )

        starts: list[float] = []
        stops: list[float] = []
        totals: list[float] = []
        emulator.start("127.0.0.1", 0)  # warm-up cycle
        emulator.stop()
        for _ in range(start_stops):
            t0 = time.perf_counter()
            emulator.start("127.0.0.1", 0)
            t1 = time.perf_counter()
            emulator.stop()
            t2 = time.perf_counter()
            starts.append(t1 - t0)
            stops.append(t2 - t1)
            totals.append(t2 - t0)
        med = median(totals)
        report(
            "reset",
            "server start + stop",
            f"median {fmt_ms(med)} (start {fmt_ms(median(starts))}, stop {fmt_ms(median(stops))}), max {fmt_ms(max(totals))}",
            f"median <= {fmt_ms(GOAL_START_STOP_S)}",
            med <= GOAL_START_STOP_S,
        )
    finally:
        emulator.close()


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    run(parser.parse_args().quick)
