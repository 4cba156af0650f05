"""Print the fuzz run's case counts at the end of the session (gathered from xdist workers too)."""

from __future__ import annotations

from typing import Any

import pytest

_GATHERED: dict[str, dict[str, int]] = {}


def _merge(counts: dict[str, dict[str, int]]) -> None:
    for provider, numbers in counts.items():
        into = _GATHERED.setdefault(provider, {})
        for key, value in numbers.items():
            into[key] = into.get(key, 0) + value


def pytest_sessionfinish(session: pytest.Session) -> None:
    """On an xdist worker, hand the counts to the controller."""
    from test_fuzz import CASE_COUNTS

    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["mockservers_fuzz_counts"] = CASE_COUNTS
    else:
        _merge(CASE_COUNTS)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """On the xdist controller, collect a finished worker's counts."""
    _merge(getattr(node, "workeroutput", {}).get("mockservers_fuzz_counts", {}))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line per fuzzed provider: operations, cases, and answers by status class."""
    for provider, counts in sorted(_GATHERED.items()):
        detail = ", ".join(f"{k} {v}" for k, v in counts.items())
        terminalreporter.write_line(f"fuzz {provider}: {detail}")
