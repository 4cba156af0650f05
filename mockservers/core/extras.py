"""Optional dependencies (pip extras): import them on first use, or say which extra to install."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

# What each extra brings, for the message (pyproject.toml [project.optional-dependencies]).
EXTRAS = {
    "media": "real media probing and previews (PyAV, Pillow)",
    "s3": "the S3 endpoint for Blue Billywig and Mediabank uploads (moto, boto3)",
    "property": "property-based tests and fuzzing (hypothesis, schemathesis)",
}


class MissingExtraError(ImportError):
    """An optional dependency is not installed; the message names the ``pip install`` to run."""


def require_extra(extra: str, module: str) -> ModuleType:
    """Import ``module`` from the pip extra ``extra``, or raise MissingExtraError naming the install."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        what = EXTRAS.get(extra, extra)
        raise MissingExtraError(
            f"{module} is not installed; it comes with the '{extra}' extra ({what}): "
            f"pip install 'mockservers[{extra}]' (or 'mockservers[all]')"
        ) from exc


class LazyModule:
    """A module imported through :func:`require_extra` on first attribute access."""

    def __init__(self, extra: str, module: str) -> None:
        self._extra = extra
        self._module_name = module
        self._module: ModuleType | None = None

    def __getattr__(self, name: str) -> Any:
        if self._module is None:
            self._module = require_extra(self._extra, self._module_name)
        return getattr(self._module, name)
