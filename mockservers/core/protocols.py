"""What the shared machinery (app factory, admin API, middleware) needs of an emulator.

They depend on this protocol, not on :mod:`mockservers.core.emulator`, so the
core's modules import in one direction: emulator -> app -> admin/middleware ->
this module (no cycle, not even one hidden behind TYPE_CHECKING).
"""

from __future__ import annotations

from typing import Any, Protocol

from mockservers.core.blobs import BlobStore
from mockservers.core.clock import VirtualClock
from mockservers.core.faults import FaultRegistry
from mockservers.core.jobs import Scheduler
from mockservers.core.journal import Journal
from mockservers.core.state import BaseState


class ProviderInfo(Protocol):
    """The parts of a Provider the machinery reads."""

    @property
    def name(self) -> str:
        """The provider's registry name."""
        ...

    @property
    def title(self) -> str:
        """Its human title."""
        ...


class EmulatorLike(Protocol):
    """The parts of an Emulator the app factory, admin API and middleware use."""

    provider: ProviderInfo
    clock: VirtualClock
    scheduler: Scheduler
    blobs: BlobStore
    faults: FaultRegistry
    journal: Journal
    state: BaseState
    context: Any  # the StateContext (settings, base URL) the provider state sees

    @property
    def credentials(self) -> dict[str, Any]:
        """Demo credentials of the current world."""
        ...

    def reset(self) -> None:
        """Everything back to fresh."""
        ...

    def reseed(self, seed: int | None = None, world: Any = None) -> None:
        """Swap in a world built from a new seed and/or world."""
        ...
