"""The providers this package emulates."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported on use: the pytest plugin reads PROVIDERS without loading the emulators
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
    from mockservers.core.emulator import Emulator, EmulatorConfig

    return Emulator(provider(name), config or EmulatorConfig(**fields))


def walk_of(name: str) -> Any:
    """The provider's conformance walk, or None (Provider.walk, else the naming convention)."""
    return provider(name).find_walk()


def authenticate_of(name: str) -> Any:
    """The provider's ``authenticate(session, base_url, credentials)``, or None."""
    return provider(name).find_authenticate()


def machine_of(name: str) -> Any:
    """The provider's Hypothesis state machine class, or None."""
    return provider(name).find_machine()


def error_contract_of(name: str) -> str:
    """The contract file name of the provider's error document."""
    return provider(name).error_contract_name()
