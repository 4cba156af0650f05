"""Base provider state: plain data behind one lock, reset == fresh, JSON snapshots."""

from __future__ import annotations

import copy
import json
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from mockservers.core.blobs import BlobStore
from mockservers.core.clock import VirtualClock
from mockservers.core.ids import IdGenerator
from mockservers.core.jobs import Scheduler

# Built worlds by (state class, seed, world, settings, variant), least recently used first; bounded so
# a process building many worlds (a seed sweep, property tests) does not keep them all.
BUILT_WORLDS_MAX = 32
_BUILT_WORLDS: OrderedDict[tuple[str, ...], BuiltWorld] = OrderedDict()
_BUILT_LOCK = threading.Lock()


def _dumps(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


@dataclass
class BuiltWorld:
    """A built world, frozen: each table pickled on its own so a state copies only the tables it touches."""

    tables: dict[str, bytes]
    meta: bytes
    ids_state: Any
    # BaseState.world_variant() it was built for (canonical JSON): reset() reuses it only while that holds.
    variant: str = ""
    # Results of :meth:`BaseState.scan` over pristine tables (they never change, so neither do these).
    memo: dict[tuple[str, str], Any] = field(default_factory=dict)

    @classmethod
    def freeze(cls, db: dict[str, Any], meta: dict[str, Any], ids_state: Any, variant: str = "") -> BuiltWorld:
        """Freeze a database, meta and id generator state."""
        return cls({table: _dumps(rows) for table, rows in db.items()}, _dumps(meta), ids_state, variant)


class LazyDb(MutableMapping[str, dict[str, Any]]):
    """``{table: {id: record}}`` whose tables are copied from a frozen world on first access.

    Any access may be followed by an in-place write to a record, so the first ``db[table]`` hands out
    a private deep copy of that table; tables a test never touched stay shared and cost nothing to reset.
    """

    def __init__(self, frozen: dict[str, bytes]) -> None:
        self._frozen = frozen
        self._live: dict[str, dict[str, Any]] = {}
        self._gone: set[str] = set()

    def touched(self, table: str) -> bool:
        """Whether ``table`` may differ from the frozen world."""
        return table in self._live or table in self._gone

    def __getitem__(self, table: str) -> dict[str, Any]:
        rows = self._live.get(table)
        if rows is None:
            if table in self._gone or table not in self._frozen:
                raise KeyError(table)
            # setdefault: when two threads copy at once, both get the one copy that won (no lost write).
            rows = self._live.setdefault(table, pickle.loads(self._frozen[table]))
        return rows

    def __setitem__(self, table: str, rows: dict[str, Any]) -> None:
        self._live[table] = rows
        self._gone.discard(table)

    def __delitem__(self, table: str) -> None:
        if table not in self:
            raise KeyError(table)
        self._live.pop(table, None)
        if table in self._frozen:
            self._gone.add(table)

    def __contains__(self, table: object) -> bool:
        return table in self._live or (table in self._frozen and table not in self._gone)

    def __iter__(self) -> Iterator[str]:
        for table in self._frozen:
            if table not in self._gone:
                yield table
        for table in self._live:
            if table not in self._frozen:
                yield table

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return f"LazyDb({dict(self)!r})"

    def plain(self) -> dict[str, dict[str, Any]]:
        """A deep copy as plain dicts (untouched tables come straight from the frozen bytes)."""
        return {t: copy.deepcopy(self._live[t]) if t in self._live else pickle.loads(self._frozen[t]) for t in self}


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
    is built once per (provider, seed, world), frozen and shared: ``self.db``
    copies a table from it on first access, so ``reset()`` only drops what a
    test touched and still runs exactly the path a fresh instance runs.
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
            self.db = {table: {} for table in self.tables}  # type: ignore[assignment]
            self.meta: dict[str, Any] = {}
            self.build_world()
            built = BuiltWorld.freeze(self.db, self.meta, self.ids.getstate(), variant)
            with _BUILT_LOCK:
                _BUILT_WORLDS[key] = built
                while len(_BUILT_WORLDS) > BUILT_WORLDS_MAX:
                    _BUILT_WORLDS.popitem(last=False)
        # Kept on the instance: reset() reuses it even after the cache dropped it (and skips the key).
        self._built = built
        self.db: LazyDb = LazyDb(built.tables)
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
            memo[key] = compute(pickle.loads(self._built.tables[table]) if table in self._built.tables else {})
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
                "db": self.db.plain() if isinstance(self.db, LazyDb) else copy.deepcopy(self.db),
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
            self.db = LazyDb({})
            for table, rows in db.items():
                self.db[table] = rows
            self.meta = copy.deepcopy(meta)
            self.ids = ids
            self.after_load()

    def now(self) -> float:
        """Virtual now (POSIX seconds)."""
        return self.ctx.clock.time()
