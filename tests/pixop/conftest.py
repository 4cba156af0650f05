"""Pixop tests: every JSON answer a test saw is parsed the way the official Java client parses it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pixop_strict import check_journal


@pytest.fixture(autouse=True)
def strict_client_parsing(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each test that used the emulator, parse its journaled answers strictly (unknown property = failure)."""
    emulator = request.getfixturevalue("pixop") if "pixop" in request.fixturenames else None
    yield
    if emulator is not None:
        check_journal(emulator)
