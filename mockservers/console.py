"""The sandbox's talking console: one line per request, job milestones and fidelity warnings."""

from __future__ import annotations

import sys
import threading
from typing import IO, TYPE_CHECKING

from mockservers.core.dashboard import jobs_of

if TYPE_CHECKING:
    from mockservers.core.emulator import Emulator
    from mockservers.core.journal import Exchange

# How often the console looks at the journals (wall clock: this paces printing, not API time).
POLL_SECONDS = 0.2


def request_line(provider: str, exchange: Exchange) -> str:
    """``12:00:03 pixop      GET  /videos/v1/videos 200 4ms`` (time on the provider's virtual clock)."""
    arrow = "-> " if exchange.outbound else ""
    clock = exchange.time[11:19]
    path = exchange.path + (f"?{exchange.query}" if exchange.query else "")
    fault = f" (fault {exchange.fault})" if exchange.fault else ""
    return f"{clock} {provider:<12} {arrow}{exchange.method:<6} {path} {exchange.status} {exchange.duration_ms:.0f}ms{fault}"


class ConsoleLog:
    """A thread that prints what the emulators' journals and jobs did since it last looked."""

    def __init__(self, emulators: dict[str, Emulator], out: IO[str] | None = None) -> None:
        self.emulators = emulators
        self.out = out or sys.stdout
        self._seen: dict[str, int] = dict.fromkeys(emulators, 0)
        self._jobs: dict[tuple[str, str], str] = {}
        self._primed = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="mockservers-console", daemon=True)

    def start(self) -> ConsoleLog:
        """Begin printing."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Print what is left and stop."""
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            self.print_new()
        self.print_new()

    def print_new(self) -> None:
        """Print every exchange and job milestone not printed yet."""
        lines: list[str] = []
        for name, emulator in self.emulators.items():
            entries = emulator.journal.entries(include_outbound=True)
            if entries and entries[-1].seq < self._seen[name]:
                self._seen[name] = 0  # the journal was cleared (reset): numbering starts again
            for exchange in entries:
                if exchange.seq <= self._seen[name]:
                    continue
                self._seen[name] = exchange.seq
                lines.append(request_line(name, exchange))
                lines.extend(f"    ! fidelity {w.get('code')}: {w.get('message')} ({w.get('source')})" for w in exchange.warnings)
            try:
                jobs = jobs_of(emulator)
            except Exception:  # a state being swapped (reseed) mid-read: look again next time
                continue
            for job in jobs:
                key = (name, job["id"])
                if self._jobs.get(key) != job["status"]:
                    self._jobs[key] = job["status"]
                    if not self._primed:
                        continue  # the seeded world's jobs are not news
                    when = emulator.clock.describe()["now"][11:19]  # type: ignore[index]
                    lines.append(f"{when} {name:<12} job {job['table']}/{job['record']} {job['name']}: {job['status']} {job['percent']:.0f}%")
        self._primed = True
        if lines:
            self.out.write("\n".join(lines) + "\n")
            self.out.flush()
