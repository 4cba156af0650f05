"""Typed provider settings: each provider declares a dataclass; unknown keys and wrong types are refused.

Every way settings arrive (``mockservers serve --setting``, ``mockservers_config``
in the pytest plugin, ``EmulatorConfig(settings=...)``) goes through
:func:`check_settings`, so a typo names the key and the known ones.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Mapping
from typing import Any


class ConfigError(ValueError):
    """An emulator cannot be configured as asked; the message says what to change (a usage error)."""


class SettingsError(ConfigError):
    """A setting the provider does not have, or a value of the wrong type; the message names it."""


class WorldError(ConfigError):
    """A world file that cannot be read, is not JSON, or does not build; the message names the file."""


def defaults_of(settings_class: type | None, default_settings: Mapping[str, Any]) -> dict[str, Any]:
    """The provider's settings before overrides: the dataclass defaults, then ``default_settings``."""
    found: dict[str, Any] = {}
    if settings_class is not None:
        for f in dataclasses.fields(settings_class):
            if f.default is not dataclasses.MISSING:
                found[f.name] = f.default
            elif f.default_factory is not dataclasses.MISSING:
                found[f.name] = f.default_factory()
    found.update(default_settings)
    return found


def check_settings(
    provider: str, settings_class: type | None, default_settings: Mapping[str, Any], given: Mapping[str, Any]
) -> dict[str, Any]:
    """The provider's settings with ``given`` applied; SettingsError for an unknown key or a mistyped value."""
    if not isinstance(given, Mapping):
        raise SettingsError(f"{provider} settings must be a mapping of name to value, not {type(given).__name__}")
    merged = defaults_of(settings_class, default_settings)
    known = sorted(merged if settings_class is None else (f.name for f in dataclasses.fields(settings_class)))
    for key in given:
        if key not in known:
            raise SettingsError(f"{provider} has no setting {key!r}; known settings: {', '.join(known) or 'none'}")
    hints = typing.get_type_hints(settings_class) if settings_class is not None else {}
    for key, value in given.items():
        merged[key] = _typed(provider, key, value, hints.get(key))
    if settings_class is not None:
        settings_class(**merged)  # the dataclass may validate further (__post_init__)
    return merged


def _typed(provider: str, key: str, value: Any, hint: Any) -> Any:
    if hint is None or hint is Any:
        return value
    origin = typing.get_origin(hint) or hint
    if origin is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        raise SettingsError(f"{provider}.{key} must be a number, not {value!r}")
    if origin is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise SettingsError(f"{provider}.{key} must be an integer, not {value!r}")
    if origin is bool:
        if isinstance(value, bool):
            return value
        raise SettingsError(f"{provider}.{key} must be true or false, not {value!r}")
    if origin is str:
        if isinstance(value, str):
            return value
        raise SettingsError(f"{provider}.{key} must be a string, not {value!r}")
    if origin in (list, tuple):
        if isinstance(value, (list, tuple)):
            return list(value)
        raise SettingsError(f"{provider}.{key} must be a list, not {value!r}")
    return value
