"""Offline, stateful emulators of media-platform HTTP APIs."""

from mockservers.core.emulator import Emulator, EmulatorConfig
from mockservers.intercept import intercept
from mockservers.registry import PROVIDERS, create_emulator

__all__ = ["Emulator", "EmulatorConfig", "PROVIDERS", "create_emulator", "intercept"]
__version__ = "0.1.0"
