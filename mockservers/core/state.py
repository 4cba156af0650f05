"""Base provider state: plain data behind one lock, reset == fresh, JSON snapshots."""

from __future__ import annotations

import copy
import json
import pickle
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, ClassVar

from mockservers.core.blobs import BlobStore
from mockservers.core.clock import VirtualClock
from mockservers.core.ids import IdGenerator
from mockservers.core.jobs import Scheduler

# Built worlds by (state class, seed, world, settings), least recently used first; bounded so a
# process building many worlds (a seed sweep, property tests) does not keep them all.
BUILT_WORLDS_MAX = 32
_BUILT_WORLDS: OrderedDict[tuple[str, str, str, str], bytes] = OrderedDict()
_BUILT_LOCK = threading.Lock()


def _world_key(state: BaseState) -> tuple[str, str, str, str]:
    # Settings belong in the key: a seeded job's durations come from them (issue 11).
    def canonical(value: Any) -> str:
        return json.dumps(value, sort_keys=True, default=repr) if value else ""

    return (f"{type(state).__module__}.{type(state).__qualname__}", str(state.seed), canonical(state.world), canonical(state.ctx.settings))


@dataclass
class StateContext:
    """What domain state may use from the emulator: time, scheduling, blobs, settings."""

    clock: VirtualClock
    scheduler: Scheduler
    blobs: BlobStore
    settings: dict[str, Any] = field(default_factory=dict)
    # mockservers.core.s3.S3Endpoint for providers whose clients upload to S3, else None.
    s3: Any = None
    # mockservers.core.callbacks.CallbackDispatcher: outbound callbacks, retried on the clock.
    callbacks: Any = None
    # ``http://host:port`` while the emulator serves (for credentials naming URLs), else None.
    base_url: str | None = None


class BaseState:
    """Domain state of one provider.

    Records live in ``self.db`` as ``{table: {id: record}}`` of JSON-able
    values, so snapshots are plain JSON. Subclasses implement
    :meth:`build_world` (deterministic from seed and world data); its result
    is built once per (provider, seed, world) and reused, which keeps
    ``reset()`` cheap while it still runs exactly the path a fresh instance runs.
    """

    provider: ClassVar[str] = "base"
    tables: ClassVar[tuple[str, ...]] = ()

    def __init__(self, ctx: StateContext, seed: int = 0, world: dict[str, Any] | None = None) -> None:
        self.ctx = ctx
        self.seed = seed
        self.world = world if world is not None else self.default_world()
        if not hasattr(self, "lock"):
            self.lock = threading.RLock()
        key = _world_key(self)
        with _BUILT_LOCK:
            built = _BUILT_WORLDS.get(key)
            if built is not None:
                _BUILT_WORLDS.move_to_end(key)
        if built is None:
            self.ids = IdGenerator(seed)
            self.db = {table: {} for table in self.tables}
            self.build_world()
            built = pickle.dumps((self.db, self.ids.getstate()), protocol=pickle.HIGHEST_PROTOCOL)
            with _BUILT_LOCK:
                _BUILT_WORLDS[key] = built
                while len(_BUILT_WORLDS) > BUILT_WORLDS_MAX:
                    _BUILT_WORLDS.popitem(last=False)
        db, ids_state = pickle.loads(built)
        self.db: dict[str, dict[str, dict[str, Any]]] = db
        self.ids = IdGenerator(seed)
        self.ids.setstate(ids_state)
        self.after_load()

    # -- to implement ------------------------------------------------------
    def default_world(self) -> dict[str, Any]:
        """The world used when none is given."""
        return {}

    def build_world(self) -> None:
        """Fill ``self.db`` from ``self.world`` and ``self.seed`` (deterministically)."""

    def after_load(self) -> None:
        """Re-attach runtime resources (fixture blobs, scheduled events) after a load."""

    def credentials(self) -> dict[str, Any]:
        """Demo credentials a user of the sandbox or fixtures can log in with."""
        return {}

    def s3_buckets(self) -> list[str]:
        """Buckets this world keeps on the shared S3 endpoint (created on start, emptied on reset)."""
        return []

    # -- shared ------------------------------------------------------------
    def reset(self) -> None:
        """Back to the seeded world; equal to a fresh instance by construction."""
        with self.lock:
            lock, ctx, seed, world = self.lock, self.ctx, self.seed, self.world
            self.__dict__.clear()
            self.lock = lock
            self.__init__(ctx, seed, world)  # type: ignore[misc]

    def snapshot(self) -> dict[str, Any]:
        """All state as JSON-able data."""
        with self.lock:
            return {
                "provider": self.provider,
                "seed": self.seed,
                "db": copy.deepcopy(self.db),
                "ids": self.ids.getstate(),
            }

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Load a snapshot taken by :meth:`snapshot`."""
        if snapshot.get("provider") != self.provider:
            raise ValueError(f"snapshot is for provider {snapshot.get('provider')!r}, not {self.provider!r}")
        missing = [t for t in self.tables if t not in snapshot.get("db", {})]
        if missing:
            raise ValueError(f"snapshot lacks table(s): {', '.join(missing)}")
        with self.lock:
            # Check the id generator state before touching db: a snapshot with
            # bad ids must fail without leaving the state half restored.
            ids = IdGenerator(self.seed)
            ids.setstate(snapshot["ids"])
            db = copy.deepcopy(snapshot["db"])
            self.db = db
            self.ids = ids
            self.after_load()

    def now(self) -> float:
        """Virtual now (POSIX seconds)."""
        return self.ctx.clock.time()
