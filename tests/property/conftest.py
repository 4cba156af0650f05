"""Print the fuzz run's case counts at the end of the session."""

from __future__ import annotations

import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line per fuzzed provider: operations, cases, and answers by status class."""
    from test_fuzz import CASE_COUNTS

    for provider, counts in sorted(CASE_COUNTS.items()):
        detail = ", ".join(f"{k} {v}" for k, v in counts.items())
        terminalreporter.write_line(f"fuzz {provider}: {detail}")
