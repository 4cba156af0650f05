"""Where the shipped data folders (contracts/, fixtures/) are, installed or in a checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]


@cache
def data_dir(name: str) -> Path:
    """``contracts`` or ``fixtures``: inside the wheel, else the repository's top level."""
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


def contracts_dir() -> Path:
    """The contracts folder."""
    return data_dir("contracts")


def fixtures_dir() -> Path:
    """The fixtures folder."""
    return data_dir("fixtures")
