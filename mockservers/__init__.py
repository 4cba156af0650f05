"""Offline, stateful emulators of media-platform HTTP APIs.

The names below load on first use (PEP 562), so importing a submodule (the
pytest plugin, every unrelated test run pays for it) does not import Flask,
jsonschema or the providers.
"""

from __future__ import annotations

import sys
import types
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockservers.core.emulator import Emulator, EmulatorConfig
    from mockservers.intercept import intercept
    from mockservers.registry import PROVIDERS, create_emulator

__all__ = ["Emulator", "EmulatorConfig", "PROVIDERS", "create_emulator", "intercept"]
__version__ = "0.1.0"

_LAZY = {
    "Emulator": "mockservers.core.emulator",
    "EmulatorConfig": "mockservers.core.emulator",
    "PROVIDERS": "mockservers.registry",
    "create_emulator": "mockservers.registry",
    "intercept": "mockservers.intercept",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """``mockservers.intercept`` is the function, also once the subpackage of that name is imported.

    The import system sets a package's attribute to each subpackage it imports;
    for ``intercept`` that would hide the function ``mockservers.intercept(...)``.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "intercept" and isinstance(value, types.ModuleType):
            value = value.intercept
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
