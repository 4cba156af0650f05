"""Strict mode: a test whose exchanges carry fidelity warnings fails at teardown; answers are unchanged."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

# One exchange with a real client call, and a warning recorded on its journal entry the way
# a provider view does (fidelity.warn with the request's environ).
TEST_FILE = """
import requests
from mockservers.core import fidelity

def test_talks_to_pixop(pixop):
    answer = requests.get(pixop.base_url + "/accounts/v1/account", timeout=5)
    assert answer.status_code == 401
    entry = pixop.journal.last()
    {warn}
"""
WARN = 'fidelity.warn("unknown-parameter", "the real service may refuse x", "inferred", environ={"mockservers.exchange": entry})'


def _run(pytester: pytest.Pytester, warn: bool, *args: str, ini: str = "") -> pytest.RunResult:
    if ini:
        pytester.makeini(f"[pytest]\n{ini}\n")
    pytester.makepyfile(TEST_FILE.format(warn=WARN if warn else "pass"))
    return pytester.runpytest_inprocess("-p", "no:cacheprovider", "-p", "no:xdist", "-p", "no:randomly", *args)


def test_a_warning_fails_the_test_in_strict_mode_listing_it(pytester: pytest.Pytester) -> None:
    result = _run(pytester, True, "--mockservers-strict")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*1 fidelity warning(s) in strict mode*",
            "*pixop GET /accounts/v1/account: [[]unknown-parameter[]] the real service may refuse x (source: inferred)*",
        ]
    )


def test_the_ini_option_turns_strict_mode_on(pytester: pytest.Pytester) -> None:
    _run(pytester, True, ini="mockservers_strict = true").assert_outcomes(passed=1, errors=1)


def test_the_same_test_passes_without_strict_mode(pytester: pytest.Pytester) -> None:
    _run(pytester, True).assert_outcomes(passed=1)


def test_strict_mode_passes_a_test_without_warnings(pytester: pytest.Pytester) -> None:
    _run(pytester, False, "--mockservers-strict").assert_outcomes(passed=1)
