"""Offline, stateful emulators of media-platform HTTP APIs."""

from mockservers.core.emulator import Emulator, EmulatorConfig
from mockservers.registry import PROVIDERS, create_emulator

__all__ = ["Emulator", "EmulatorConfig", "PROVIDERS", "create_emulator"]
__version__ = "0.1.0"
