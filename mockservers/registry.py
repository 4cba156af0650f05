"""The providers this package emulates."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from mockservers.core.emulator import Emulator, EmulatorConfig, Provider

# name -> module holding PROVIDER; imported lazily so one provider's import cost is paid only when used.
PROVIDERS: dict[str, str] = {
    "pixop": "mockservers.pixop.app",
    "vonage": "mockservers.vonage.app",
    "bluebillywig": "mockservers.bluebillywig.app",
    "mediaflow": "mockservers.mediaflow.app",
    "mediabank": "mockservers.mediabank.app",
}


def provider(name: str) -> Provider:
    """The Provider definition by name."""
    if name not in PROVIDERS:
        raise KeyError(f"unknown provider {name!r}; known: {', '.join(PROVIDERS)}")
    return import_module(PROVIDERS[name]).PROVIDER


def create_emulator(name: str, config: EmulatorConfig | None = None, **fields: Any) -> Emulator:
    """A new (not yet serving) emulator of one provider."""
    return Emulator(provider(name), config or EmulatorConfig(**fields))
