"""Base provider state: plain data behind one lock, reset == fresh, JSON snapshots."""

from __future__ import annotations

import copy
import json
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from mockservers.core.blobs import BlobStore
from mockservers.core.clock import VirtualClock
from mockservers.core.ids import IdGenerator
from mockservers.core.jobs import Scheduler
from mockservers.core.tables import Db, FrozenTable, Table

# Built worlds by (state class, seed, world, settings, variant), least recently used first; bounded so
# a process building many worlds (a seed sweep, property tests) does not keep them all.
BUILT_WORLDS_MAX = 32
_BUILT_WORLDS: OrderedDict[tuple[str, ...], BuiltWorld] = OrderedDict()
_BUILT_LOCK = threading.Lock()


def _dumps(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


@dataclass
class BuiltWorld:
    """A built world, frozen: each table's records read-only and shared; a state copies only the records it touches."""

    tables: dict[str, FrozenTable]
    meta: bytes
    ids_state: Any
    # BaseState.world_variant() it was built for (canonical JSON): reset() reuses it only while that holds.
    variant: str = ""
    # Results of :meth:`BaseState.scan` over pristine tables (they never change, so neither do these).
    memo: dict[tuple[str, str], Any] = field(default_factory=dict)

    @classmethod
    def freeze(cls, db: Mapping[str, Mapping[str, Any]], meta: dict[str, Any], ids_state: Any, variant: str = "") -> BuiltWorld:
        """Freeze a database, meta and id generator state."""
        tables = {table: FrozenTable(rows) for table, rows in db.items()}
        return cls(tables, _dumps(meta), ids_state, variant)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=repr) if value else ""


def _world_key(state: BaseState, variant: str | None = None) -> tuple[str, ...]:
    # Settings belong in the key: a seeded job's durations come from them (issue 11).
    return (
        f"{type(state).__module__}.{type(state).__qualname__}",
        str(state.seed),
        _canonical(state.world),
        _canonical(state.ctx.settings),
        _canonical(state.world_variant()) if variant is None else variant,
    )


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
    values and scalars of the world (epochs, counters, secrets) in
    ``self.meta``, so snapshots are plain JSON. Subclasses implement
    :meth:`build_world` (deterministic from seed and world data); its result
    is built once per (provider, seed, world), frozen and shared: each table of
    ``self.db`` reads through to it and copies a record on first access by key
    (``db[table][key]``, ``.get``), while iterating copies nothing and yields
    read-only records (:mod:`mockservers.core.tables`). ``reset()`` drops
    only what a test touched and still runs exactly the path a fresh instance runs.
    """

    provider: ClassVar[str] = "base"
    tables: ClassVar[tuple[str, ...]] = ()

    def __init__(self, ctx: StateContext, seed: int = 0, world: dict[str, Any] | None = None) -> None:
        self.ctx = ctx
        self.seed = seed
        self.world = world if world is not None else self.default_world()
        if not hasattr(self, "lock"):
            self.lock = threading.RLock()
        variant = _canonical(self.world_variant())
        built: BuiltWorld | None = self.__dict__.pop("_reuse", None)
        if built is not None and built.variant != variant:
            built = None  # e.g. Vonage's anchor hour moved on: a fresh instance would build anew
        if built is None:
            key = _world_key(self, variant)
            with _BUILT_LOCK:
                built = _BUILT_WORLDS.get(key)
                if built is not None:
                    _BUILT_WORLDS.move_to_end(key)
        if built is None:
            self.ids = IdGenerator(seed)
            self.db = Db({})  # built in the same tables as it is later read (peek, ordered, ...)
            for table in self.tables:
                self.db[table] = Table()
            self.meta: dict[str, Any] = {}
            self.build_world()
            built = BuiltWorld.freeze(self.db, self.meta, self.ids.getstate(), variant)
            with _BUILT_LOCK:
                _BUILT_WORLDS[key] = built
                while len(_BUILT_WORLDS) > BUILT_WORLDS_MAX:
                    _BUILT_WORLDS.popitem(last=False)
        # Kept on the instance: reset() reuses it even after the cache dropped it (and skips the key).
        self._built = built
        self.db: Db = Db(built.tables)
        self.meta = pickle.loads(built.meta)
        self.ids = IdGenerator(seed)
        self.ids.setstate(built.ids_state)
        self.after_load()

    # -- to implement ------------------------------------------------------
    def default_world(self) -> dict[str, Any]:
        """The world used when none is given."""
        return {}

    def world_variant(self) -> Any:
        """What else the built world depends on (e.g. the hour seeded ages count from); part of its cache key."""
        return None

    def build_world(self) -> None:
        """Fill ``self.db`` and ``self.meta`` from ``self.world`` and ``self.seed`` (deterministically)."""

    def after_load(self) -> None:
        """Re-attach runtime resources (fixture blobs, scheduled events) after a load.

        It runs on every reset: read big tables through :meth:`scan`, which is free while they are pristine.
        """

    def credentials(self) -> dict[str, Any]:
        """Demo credentials a user of the sandbox or fixtures can log in with."""
        return {}

    def s3_buckets(self) -> list[str]:
        """Buckets this world keeps on the shared S3 endpoint (created on start, emptied on reset)."""
        return []

    # -- shared ------------------------------------------------------------
    def scan(self, table: str, name: str, compute: Callable[[dict[str, Any]], Any]) -> Any:
        """``compute(self.db[table])``, computed once per built world while the table is untouched.

        ``compute`` must only read; its result must not be mutated by the caller.
        """
        if self.db.touched(table):
            return compute(self.db[table])
        memo = self._built.memo
        key = (table, name)
        if key not in memo:
            memo[key] = compute(self._built.tables.get(table, FrozenTable()))
        return memo[key]

    def reset(self) -> None:
        """Back to the seeded world; equal to a fresh instance by construction."""
        with self.lock:
            lock, ctx, seed, world, built = self.lock, self.ctx, self.seed, self.world, self._built
            self.__dict__.clear()
            self.lock = lock
            self._reuse = built
            self.__init__(ctx, seed, world)  # type: ignore[misc]

    def snapshot(self) -> dict[str, Any]:
        """All state as JSON-able data."""
        with self.lock:
            return {
                "provider": self.provider,
                "seed": self.seed,
                "db": self.db.plain(),
                "meta": copy.deepcopy(self.meta),
                "ids": self.ids.getstate(),
            }

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Load a snapshot taken by :meth:`snapshot` (or by a version that kept ``meta`` as a table)."""
        if snapshot.get("provider") != self.provider:
            raise ValueError(f"snapshot is for provider {snapshot.get('provider')!r}, not {self.provider!r}")
        given = snapshot.get("db", {})
        if not isinstance(given, dict):
            raise ValueError("snapshot db must be an object of tables")
        # Older snapshots carried meta as a table of db; both forms load.
        meta = snapshot.get("meta", given.get("meta", {}))
        if not isinstance(meta, dict):
            raise ValueError("snapshot meta must be an object")
        missing = [t for t in self.tables if t not in given]
        if missing:
            raise ValueError(f"snapshot lacks table(s): {', '.join(missing)}")
        with self.lock:
            # Check the id generator state before touching db: a snapshot with
            # bad ids must fail without leaving the state half restored.
            ids = IdGenerator(self.seed)
            ids.setstate(snapshot["ids"])
            db = copy.deepcopy({t: rows for t, rows in given.items() if t != "meta" or "meta" in self.tables})
            self.db = Db({})
            for table, rows in db.items():
                self.db[table] = rows
            self.meta = copy.deepcopy(meta)
            self.ids = ids
            self.after_load()

    def now(self) -> float:
        """Virtual now (POSIX seconds)."""
        return self.ctx.clock.time()
