"""Run the mockservers benchmarks and print each measurement next to its goal.

    .venv/bin/python bench/run.py              # full run (1 GiB upload), about a minute
    .venv/bin/python bench/run.py --quick      # smoke run: fewer iterations, 64 MiB upload
    .venv/bin/python bench/run.py --only upload --upload-mib 256

Nothing here asserts: a goal that is not met prints "MISSES goal" and the
exit status stays 0 (it is non-zero only when a benchmark itself fails).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
import traceback

import bench_flat
import bench_intercept
import bench_lists
import bench_requests
import bench_reset
import bench_throughput
import bench_upload
from _common import RESULTS, summary_table

SECTIONS = ("throughput", "requests", "reset", "resets", "lists", "journal", "collect", "upload", "intercept")
QUICK_UPLOAD_MIB = 64


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="fewer iterations and a smaller upload (smoke run)"
    )
    parser.add_argument(
        "--upload-mib",
        type=int,
        default=None,
        help=f"upload size in MiB (default 1024; {QUICK_UPLOAD_MIB} with --quick)",
    )
    parser.add_argument(
        "--upload-transfer",
        choices=("chunked", "length"),
        default="chunked",
        help="how the upload body is sent",
    )
    parser.add_argument(
        "--only", choices=SECTIONS, action="append", help="run only these sections (repeatable)"
    )
    args = parser.parse_args(argv)
    upload_mib = (
        args.upload_mib if args.upload_mib is not None else (QUICK_UPLOAD_MIB if args.quick else 1024)
    )
    sections = args.only or list(SECTIONS)

    print(
        f"mockservers benchmarks ({'quick' if args.quick else 'full'}) on Python {platform.python_version()}, {platform.machine()}"
    )
    started = time.perf_counter()
    failed: list[str] = []
    runners = {
        "throughput": lambda: bench_throughput.run(args.quick),
        "requests": lambda: bench_requests.run(args.quick),
        "resets": lambda: bench_flat.run_reset(args.quick),
        "lists": lambda: bench_lists.run(args.quick),
        "journal": lambda: bench_flat.run_journal(args.quick),
        "collect": lambda: bench_flat.run_collect(args.quick),
        "reset": lambda: bench_reset.run(args.quick),
        "upload": lambda: bench_upload.run(upload_mib, args.upload_transfer),
        "intercept": lambda: bench_intercept.run(args.quick),
    }
    for name in sections:
        try:
            runners[name]()
        except Exception:  # noqa: BLE001 - report and carry on with the other sections
            traceback.print_exc()
            print(f"  benchmark section {name!r} FAILED (see traceback above)", flush=True)
            failed.append(name)

    print(f"\n== summary ({time.perf_counter() - started:.1f} s) ==")
    print(summary_table(RESULTS))
    goals = [r for r in RESULTS if r.met is not None]
    print(f"\n{sum(r.met for r in goals)} of {len(goals)} goals met.")
    if failed:
        print(f"sections that failed to run: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
