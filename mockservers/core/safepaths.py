"""Fixture files named by worlds and snapshots resolve only inside the fixtures folder."""

from __future__ import annotations

from pathlib import Path

from mockservers.core.paths import fixtures_dir


class UnsafePathError(ValueError):
    """A world or snapshot names a file outside the fixtures folder, or one that does not exist."""


def fixture_file(folder: str, name: object, field: str) -> Path:
    """``fixtures/<folder>/<name>``, refusing absolute paths, ``..`` escapes and missing files.

    Worlds and snapshots come from users (``POST /__admin/seed``, ``PUT /__admin/state``); their media
    names must never reach a file the process can read elsewhere. The error names ``field`` and the
    relative name only: never an absolute path of this machine.
    """
    if not isinstance(name, str) or not name or "\x00" in name:
        raise UnsafePathError(f"{field}: must be a file name inside fixtures/{folder}, got {name!r}")
    base = (fixtures_dir() / folder).resolve()
    candidate = (base / name).resolve()
    if Path(name).is_absolute() or not candidate.is_relative_to(base):
        raise UnsafePathError(f"{field}: {name!r} is outside fixtures/{folder}")
    if not candidate.is_file():
        raise UnsafePathError(f"{field}: no such fixture file: fixtures/{folder}/{name}")
    return candidate
