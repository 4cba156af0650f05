"""Shared helpers of the benchmarks: results with goals, timing, a Pixop emulator with a token.

The bench folder is a set of scripts, not a package: ``bench/run.py`` puts this
folder on ``sys.path`` (Python does that for the script's own folder), so the
other modules import this one as ``_common``.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


@dataclass
class Result:
    """One measurement, printed next to its goal (goal may be None: informational)."""

    section: str
    name: str
    value: str
    goal: str | None = None
    met: bool | None = None

    @property
    def verdict(self) -> str:
        if self.met is None:
            return "(info)"
        return "meets goal" if self.met else "MISSES goal"

    def line(self) -> str:
        goal = f"  [goal {self.goal}: {self.verdict}]" if self.goal else ""
        return f"{self.name}: {self.value}{goal}"


RESULTS: list[Result] = []


def report(section: str, name: str, value: str, goal: str | None = None, met: bool | None = None) -> Result:
    """Record a measurement and print it at once."""
    result = Result(section, name, value, goal, met)
    RESULTS.append(result)
    print(f"  {result.line()}", flush=True)
    return result


def heading(text: str) -> None:
    print(f"\n== {text} ==", flush=True)


def summary_table(results: list[Result]) -> str:
    """A fixed-width table of every result."""
    rows = [("measurement", "value", "goal", "verdict")]
    rows += [(r.name, r.value, r.goal or "-", r.verdict) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = []
    for index, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


# -- timing ----------------------------------------------------------------------
def best_per_call(fn: Callable[[], Any], iterations: int, runs: int) -> float:
    """Seconds per call: the best (lowest) mean over ``runs`` runs of ``iterations`` calls."""
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        for _ in range(iterations):
            fn()
        best = min(best, (time.perf_counter() - start) / iterations)
    return best


def interleaved_best(fns: dict[str, Callable[[], Any]], iterations: int, runs: int) -> dict[str, float]:
    """Like :func:`best_per_call` for several candidates, alternating runs so drift hits all alike."""
    best = {name: float("inf") for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            best[name] = min(best[name], best_per_call(fn, iterations, 1))
    return best


def interleaved_cpu(fns: dict[str, Callable[[], Any]], iterations: int, runs: int) -> dict[str, list[float]]:
    """CPU seconds per call of each candidate, one value per run, runs alternating between candidates.

    CPU time of this thread, not wall time: an in-process call does no I/O, so
    the time the shared machine's other jobs take the core away is not its cost.
    Compare candidates run by run (:func:`median_ratio`): a run's candidates are
    measured moments apart, under the same load.
    """
    samples: dict[str, list[float]] = {name: [] for name in fns}
    clock = time.thread_time
    for _ in range(runs):
        for name, fn in fns.items():
            gc.collect()
            start = clock()
            for _ in range(iterations):
                fn()
            samples[name].append((clock() - start) / iterations)
    return samples


def median_ratio(samples: dict[str, list[float]], numerator: str, denominator: str) -> float:
    """The median over runs of one candidate's time over another's (see :func:`interleaved_cpu`)."""
    return statistics.median(a / b for a, b in zip(samples[numerator], samples[denominator], strict=True))


def interleaved_median(fns: dict[str, Callable[[], Any]], iterations: int, runs: int) -> dict[str, float]:
    """Median seconds per call over ``runs`` x ``iterations`` individually timed calls, runs alternating.

    More robust than a best-of-runs mean when single calls are noisy (e.g. a
    TCP connect per request on a shared machine).
    """
    timings: dict[str, list[float]] = {name: [] for name in fns}
    clock = time.perf_counter
    for _ in range(runs):
        for name, fn in fns.items():
            gc.collect()
            samples = timings[name]
            for _ in range(iterations):
                start = clock()
                fn()
                samples.append(clock() - start)
    return {name: statistics.median(samples) for name, samples in timings.items()}


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (fraction in 0..1)."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def median(values: list[float]) -> float:
    return statistics.median(values)


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f} ms"


def fmt_us(seconds: float) -> str:
    return f"{seconds * 1e6:.1f} us"


# -- a Pixop emulator ready for authenticated requests -----------------------------
def pixop_emulator() -> Any:
    """A fresh (not serving) Pixop emulator with the default seed and world."""
    from mockservers.registry import create_emulator

    return create_emulator("pixop")


def pixop_token(emulator: Any) -> str:
    """A valid bearer token of the demo user (minted directly, no HTTP round trip)."""
    creds = emulator.credentials
    return emulator.state.mint_token(creds["user_id"], creds["team_id"])
