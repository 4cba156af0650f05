"""Tables of a provider state that share a frozen world and copy only the records a test touches.

A built world is frozen once: its records become :class:`FrozenDict` /
:class:`FrozenList` (plain ``dict`` / ``list`` subclasses that refuse every
write), shared by every state built from that world. A state's
:class:`Table` reads through to them and keeps its own overlay:

* ``table[key]`` / ``table.get(key)`` / ``pop`` hand out the record as a
  private, plain copy (made on the first such access, then the same object
  every time), so a caller may change it in place as before;
* iterating, ``values()``, ``items()``, ``len`` and ``in`` copy nothing: what
  they yield is read-only for untouched records (the private copy for
  touched ones). A write to a read-only record raises ``TypeError`` instead
  of silently changing the world every other test shares. Code that means
  to change a record it found by iterating takes ``table[key]``;
* new keys are appended in insertion order and deleted ones are tracked, so
  iteration order is exactly a plain dict's.

Reset drops the overlay, so its cost and the cost of a test's first reads
do not grow with the world. :meth:`Table.ordered` keeps sorted, grouped
indexes: built once per frozen world and brought up to date from the
overlay when read, so a page of a list does not rescan and resort the table.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, insort
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from itertools import chain, filterfalse
from typing import Any

READ_ONLY = (
    "this record is read-only shared world data (found by iterating a table); "
    "change the private copy that state.db[table][key] hands out instead"
)
_MISSING: Any = object()


def _read_only(*_args: Any, **_kwargs: Any) -> Any:
    raise TypeError(READ_ONLY)


class FrozenDict(dict):  # type: ignore[type-arg]
    """A ``dict`` of a frozen world: reads as a dict (JSON, ``==``, ``{**d}``), refuses writes; copies thaw."""

    __slots__ = ()
    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _read_only  # type: ignore[assignment]

    def __copy__(self) -> dict[str, Any]:
        return dict(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        return thaw(self)

    def __reduce__(self) -> Any:
        return (dict, (thaw(self),))


class FrozenList(list):  # type: ignore[type-arg]
    """A ``list`` of a frozen world: reads as a list, refuses writes; copies thaw."""

    __slots__ = ()
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _read_only  # type: ignore[assignment]
    append = extend = insert = remove = pop = clear = sort = reverse = _read_only  # type: ignore[assignment]

    def __copy__(self) -> list[Any]:
        return list(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        return thaw(self)

    def __reduce__(self) -> Any:
        return (list, (thaw(self),))


class FrozenTable(FrozenDict):
    """``{key: frozen record}`` of a built world, with what is derived from it once (positions, indexes)."""

    __slots__ = ("memo",)

    def __init__(self, rows: Mapping[str, Any] = {}) -> None:  # noqa: B006 - never written
        dict.__init__(self, ((key, freeze(record)) for key, record in rows.items()))
        self.memo: dict[Any, Any] = {}

    def __reduce__(self) -> Any:
        return (FrozenTable, (thaw(self),))


_CONTAINERS = (dict, list, tuple)


def freeze(value: Any) -> Any:
    """A deep read-only copy of JSON-like data (dicts, lists, tuples, scalars)."""
    kind = type(value)
    if kind is FrozenDict or kind is FrozenList:
        return value
    if isinstance(value, dict):
        return FrozenDict({key: freeze(item) for key, item in value.items()})
    if isinstance(value, list):
        return FrozenList([freeze(item) for item in value])
    if isinstance(value, tuple):
        return tuple(freeze(item) for item in value)
    return value


def thaw(value: Any) -> Any:
    """A deep plain (mutable) copy of JSON-like data, frozen or not."""
    if isinstance(value, dict):
        return {key: thaw(item) if isinstance(item, _CONTAINERS) else item for key, item in value.items()}
    if isinstance(value, list):
        return [thaw(item) if isinstance(item, _CONTAINERS) else item for item in value]
    if isinstance(value, tuple):
        return tuple(thaw(item) for item in value)
    return value


# -- indexes ---------------------------------------------------------------------
@dataclass(frozen=True)
class IndexSpec:
    """A sorted index: each record in the groups ``groups(record)`` names (none: left out), ordered by ``order(record)``.

    Ties of ``order`` keep the table's insertion order, as a stable sort of the
    table's values would. Both functions must only read the record and be
    deterministic; ``name`` identifies the index (one spec per name).
    """

    name: str
    groups: Callable[[Mapping[str, Any]], Iterable[Hashable]]
    order: Callable[[Mapping[str, Any]], Any]

    def info(self, record: Mapping[str, Any], position: int) -> tuple[tuple[Hashable, ...], Any, int] | None:
        groups = tuple(self.groups(record))
        return (groups, self.order(record), position) if groups else None


# Tokens (searches) whose verdicts Table.matching remembers per frozen index.
VERDICTS_PER_INDEX = 1024

# An index entry: (order, position, key); positions are unique, so keys are never compared.
Entry = tuple[Any, int, str]
_EMPTY: list[Entry] = []


class _BaseIndex:
    """An index over a frozen table: computed once, shared by every state of that world, never written."""

    __slots__ = ("groups", "infos", "verdicts")

    def __init__(self, spec: IndexSpec, base: Mapping[str, Any]) -> None:
        self.infos: dict[str, tuple[tuple[Hashable, ...], Any, int] | None] = {}
        # (group, token) -> (keys kept, entries kept) among the group's frozen records: see Table.matching.
        self.verdicts: dict[tuple[Hashable, Hashable], tuple[frozenset[str], list[Entry]]] = {}
        rows = []
        for position, (key, record) in enumerate(base.items()):
            info = spec.info(record, position)
            self.infos[key] = info
            if info is not None:
                rows.append((info[1], position, key, info[0]))
        rows.sort()  # once: positions are unique, so neither keys nor groups are ever compared
        groups: dict[Hashable, list[Entry]] = {}
        for order, position, key, names in rows:
            entry = (order, position, key)  # one tuple, shared by every group the record is in
            for group in names:
                entries = groups.get(group)
                if entries is None:
                    groups[group] = [entry]
                else:
                    entries.append(entry)
        self.groups = groups


class _LiveIndex:
    """One state's view of an index: the base index plus the records the overlay changed."""

    __slots__ = ("base", "groups", "infos")

    def __init__(self, base: _BaseIndex) -> None:
        self.base = base
        # Group lists that differ from the base (replaced, never changed in place: readers may hold one).
        self.groups: dict[Hashable, list[Entry]] = {}
        # Key -> its entry info as indexed now, for keys whose info may differ from the base's.
        self.infos: dict[str, tuple[tuple[Hashable, ...], Any, int] | None] = {}

    def entries(self, group: Hashable) -> list[Entry]:
        found = self.groups.get(group)
        if found is None:
            found = self.base.groups.get(group, _EMPTY)
        return found


class RecordList(Sequence[Any]):
    """A read-only sequence of records over index entries ``[start:stop]`` (reversed when asked), resolved when read."""

    __slots__ = ("_table", "_entries", "_start", "_stop", "_reverse")

    def __init__(self, table: Table, entries: list[Entry], start: int = 0, stop: int | None = None, reverse: bool = False) -> None:
        self._table, self._entries, self._reverse = table, entries, reverse
        self._start, self._stop = start, len(entries) if stop is None else stop

    def __len__(self) -> int:
        return max(0, self._stop - self._start)

    def _at(self, index: int) -> Any:
        key = self._entries[self._stop - 1 - index if self._reverse else self._start + index][2]
        return self._table.peek(key)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self._at(i) for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._at(index)

    def __iter__(self) -> Iterator[Any]:
        return (self._at(i) for i in range(len(self)))

    def keys(self) -> list[str]:
        """The records' table keys, in order."""
        window = self._entries[self._start : self._stop]
        return [entry[2] for entry in (reversed(window) if self._reverse else window)]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"RecordList({list(self)!r})"


class FilteredRecords(Sequence[Any]):
    """The records of index entries that ``keep`` holds for, found by walking the entries only as far as read.

    A page ``[a:b]`` reads entries until ``b`` records were kept, so its cost is the page's (over the
    share of records kept), not the table's; ``len()`` walks everything.
    """

    __slots__ = ("_table", "_entries", "_keep", "_found", "_next")

    def __init__(self, table: Table, entries: list[Entry], keep: Callable[[Any], bool]) -> None:
        self._table, self._entries, self._keep = table, entries, keep
        self._found: list[Any] = []
        self._next = 0

    def _fill(self, count: int | None) -> None:
        entries, found, peek, keep = self._entries, self._found, self._table.peek, self._keep
        index = self._next
        while index < len(entries) and (count is None or len(found) < count):
            record = peek(entries[index][2], _MISSING)
            index += 1
            if record is not _MISSING and keep(record):
                found.append(record)
        self._next = index

    def __len__(self) -> int:
        self._fill(None)
        return len(self._found)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            if index.step not in (None, 1) or (index.start or 0) < 0 or (index.stop is not None and index.stop < 0):
                self._fill(None)
            else:
                self._fill(index.stop)
            return self._found[index]
        if index < 0:
            self._fill(None)
        else:
            self._fill(index + 1)
        return self._found[index]

    def __iter__(self) -> Iterator[Any]:
        position = 0
        while True:
            if position >= len(self._found):
                self._fill(position + 1)
                if position >= len(self._found):
                    return
            yield self._found[position]
            position += 1

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]


# -- a table ---------------------------------------------------------------------
class _ReadOnlyValues:
    """``table.values()``: the records without copying (read-only while untouched)."""

    __slots__ = ("_table",)

    def __init__(self, table: Table) -> None:
        self._table = table

    def __iter__(self) -> Iterator[Any]:
        return self._table._iter_values()

    def __len__(self) -> int:
        return len(self._table)

    def __contains__(self, value: object) -> bool:
        return any(record is value or record == value for record in self)

    def __repr__(self) -> str:
        return f"values({list(self)!r})"


class _ReadOnlyItems(_ReadOnlyValues):
    """``table.items()``: ``(key, record)`` pairs without copying."""

    __slots__ = ()

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        return self._table._iter_items()

    def __contains__(self, item: object) -> bool:
        if not isinstance(item, tuple) or len(item) != 2:
            return False
        key, value = item
        found = self._table.peek(key, _MISSING)
        return found is not _MISSING and (found is value or found == value)

    def __repr__(self) -> str:
        return f"items({list(self)!r})"


class _Reader(Mapping[str, Any]):
    """``table.reader()``: lookups by key without copying (the records are read-only while untouched)."""

    __slots__ = ("_table",)

    def __init__(self, table: Table) -> None:
        self._table = table

    def __getitem__(self, key: str) -> Any:
        found = self._table.peek(key, _MISSING)
        if found is _MISSING:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        return key in self._table

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)


class Table(MutableMapping[str, Any]):
    """``{key: record}`` reading through to a frozen table; see the module docs for what copies and what does not."""

    def __init__(self, base: FrozenTable | None = None) -> None:
        self._origin = self._base = base if base is not None else FrozenTable()
        self._live: dict[str, Any] = {}  # private copies of base records (still at their base position)
        self._gone: set[str] = set()  # base keys no longer at their base position (deleted, maybe re-added)
        self._tail: dict[str, Any] = {}  # keys after the base ones, in insertion order
        self._tail_pos: dict[str, int] = {}
        self._next = len(self._base)
        self._indexes: dict[str, _LiveIndex] = {}
        self._lock = threading.Lock()

    @classmethod
    def of(cls, rows: Mapping[str, Any]) -> Table:
        """A table holding ``rows`` (records kept as given: they are the table's own)."""
        table = cls()
        for key, record in rows.items():
            table[key] = record
        return table

    # -- copy on write ---------------------------------------------------------
    def touched(self) -> bool:
        """Whether this table may differ from the frozen one it reads through to."""
        return bool(self._live or self._tail or self._gone) or self._base is not self._origin

    def peek(self, key: str, default: Any = None) -> Any:
        """The record without copying it: read it, never write it (see :meth:`__getitem__` to write)."""
        found = self._live.get(key, _MISSING)
        if found is _MISSING:
            found = self._tail.get(key, _MISSING)
            if found is _MISSING:
                found = self._base.get(key, _MISSING)
                if found is _MISSING or key in self._gone:
                    return default
        return found

    def reader(self) -> Mapping[str, Any]:
        """A read-only mapping view of this table whose lookups copy nothing (for serializers)."""
        return _Reader(self)

    def find(self, predicate: Callable[[Any], bool], default: Any = None) -> Any:
        """The first record (in table order) ``predicate`` holds for, as ``table[key]`` hands it out (writable)."""
        for key, record in self._iter_items():
            if predicate(record):
                return self[key]
        return default

    def __getitem__(self, key: str) -> Any:
        found = self._live.get(key, _MISSING)
        if found is not _MISSING:
            return found
        found = self._tail.get(key, _MISSING)
        if found is not _MISSING:
            return found
        frozen = self._base.get(key, _MISSING)
        if frozen is _MISSING or key in self._gone:
            raise KeyError(key)
        # setdefault: when two threads copy at once, both get the one copy that won.
        return self._live.setdefault(key, thaw(frozen))

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        try:
            return self[key]
        except KeyError:
            return default

    def __setitem__(self, key: str, record: Any) -> None:
        if key in self._base and key not in self._gone:
            self._live[key] = record
        else:
            if key not in self._tail:
                with self._lock:
                    self._tail_pos[key] = self._next
                    self._next += 1
            self._tail[key] = record

    def __delitem__(self, key: str) -> None:
        if key in self._tail:
            del self._tail[key]
            self._tail_pos.pop(key, None)
        elif key in self._base and key not in self._gone:
            self._gone.add(key)
            self._live.pop(key, None)
        else:
            raise KeyError(key)

    def pop(self, key: str, default: Any = _MISSING) -> Any:
        if key not in self:
            if default is _MISSING:
                raise KeyError(key)
            return default
        record = self[key]
        del self[key]
        return record

    def clear(self) -> None:
        self._base = FrozenTable()
        self._live.clear()
        self._gone.clear()
        self._tail.clear()
        self._tail_pos.clear()

    def __contains__(self, key: object) -> bool:
        return key in self._tail or (key in self._base and key not in self._gone)

    def __iter__(self) -> Iterator[str]:
        if not self._gone:
            return chain(self._base, self._tail) if self._tail else iter(self._base)
        return chain(filterfalse(self._gone.__contains__, self._base), self._tail)

    def __len__(self) -> int:
        return len(self._base) - len(self._gone) + len(self._tail)

    def _iter_values(self) -> Iterator[Any]:
        if not self._live and not self._gone:
            return chain(self._base.values(), self._tail.values()) if self._tail else iter(self._base.values())
        return chain((record for _key, record in self._iter_base_items()), self._tail.values())

    def _iter_base_items(self) -> Iterator[tuple[str, Any]]:
        live, gone = self._live, self._gone
        for key, record in self._base.items():
            if key in gone:
                continue
            yield key, live.get(key, record)

    def _iter_items(self) -> Iterator[tuple[str, Any]]:
        if not self._live and not self._gone:
            return chain(self._base.items(), self._tail.items()) if self._tail else iter(self._base.items())
        return chain(self._iter_base_items(), self._tail.items())

    def values(self) -> _ReadOnlyValues:  # type: ignore[override]
        """The records, copying nothing: untouched ones are read-only (take ``table[key]`` to change one)."""
        return _ReadOnlyValues(self)

    def items(self) -> _ReadOnlyItems:  # type: ignore[override]
        """``(key, record)`` pairs, copying nothing: untouched records are read-only."""
        return _ReadOnlyItems(self)

    def plain(self) -> dict[str, Any]:
        """A deep copy as a plain dict."""
        return {key: thaw(record) for key, record in self._iter_items()}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Mapping):
            return NotImplemented
        return len(self) == len(other) and dict(self._iter_items()) == dict(other.items())

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Table({dict(self._iter_items())!r})"

    # -- indexes -----------------------------------------------------------------
    def position(self, key: str) -> int:
        """Where ``key`` stands in insertion order (comparable within this table only)."""
        position = self._tail_pos.get(key)
        if position is not None:
            return position
        positions = self._base.memo.get("positions")
        if positions is None:
            positions = self._base.memo.setdefault("positions", {k: i for i, k in enumerate(self._base)})
        return positions[key]

    def ordered(self, spec: IndexSpec, group: Hashable) -> list[Entry]:
        """The entries ``(order, position, key)`` of ``group`` in ``spec``'s index, sorted; the list must not be changed.

        The index of the frozen table is built once per world; the records this
        table copied, added or deleted are re-indexed here (a test's few, not the world's).
        """
        with self._lock:
            live = self._indexes.get(spec.name)
            if live is None or live.base is not self._base_index(spec):
                live = self._indexes[spec.name] = _LiveIndex(self._base_index(spec))
            self._sync(spec, live)
            return live.entries(group)

    def matching(self, spec: IndexSpec, group: Hashable, token: Hashable, keep: Callable[[Any], bool]) -> list[Entry]:
        """The entries of ``group`` (as :meth:`ordered` gives them) whose record ``keep`` holds for.

        ``keep`` must read only the record and depend on nothing but ``token`` (a search's text,
        say). Its verdicts on the frozen world's records are remembered per world (at most
        :data:`VERDICTS_PER_INDEX` tokens), so a repeated search checks only the records this
        table copied or added: its cost follows the test's changes, not the world's size.
        """
        entries = self.ordered(spec, group)
        base = self._base_index(spec)
        cached = base.verdicts.get((group, token))
        if cached is None:
            frozen = self._base
            kept = [entry for entry in base.groups.get(group, _EMPTY) if keep(frozen[entry[2]])]
            if len(base.verdicts) >= VERDICTS_PER_INDEX:
                base.verdicts.pop(next(iter(base.verdicts)), None)  # the oldest token goes
            cached = base.verdicts.setdefault((group, token), (frozenset(entry[2] for entry in kept), kept))
        kept_keys, kept_entries = cached
        if entries is base.groups.get(group, _EMPTY) and not self._live:
            return kept_entries  # the group is as the world built it and no record of it was copied
        live, tail = self._live, self._tail
        found = []
        for entry in entries:
            key = entry[2]
            if key in live or key in tail:
                if keep(self.peek(key)):
                    found.append(entry)
            elif key in kept_keys:
                found.append(entry)
        return found

    def _base_index(self, spec: IndexSpec) -> _BaseIndex:
        memo = self._base.memo
        key = ("index", spec.name)
        found = memo.get(key)
        if found is None:
            found = memo.setdefault(key, _BaseIndex(spec, self._base))
        return found

    def _sync(self, spec: IndexSpec, live: _LiveIndex) -> None:
        """Re-index every key the overlay may have changed (and those re-indexed before)."""
        if not (self._live or self._tail or self._gone or live.infos):
            return
        base_infos = live.base.infos
        replaced: set[Hashable] = set()
        for key in self._live.keys() | self._tail.keys() | self._gone | live.infos.keys():
            record = self.peek(key, _MISSING)
            new = None if record is _MISSING else spec.info(record, self.position(key))
            old = live.infos[key] if key in live.infos else base_infos.get(key)
            if new == old:
                continue
            for info in (old, new):
                if info is None:
                    continue
                entry = (info[1], info[2], key)  # one tuple for all of the record's groups
                for group in info[0]:
                    entries = live.groups.get(group)
                    if group not in replaced:
                        entries = list(entries if entries is not None else live.base.groups.get(group, _EMPTY))
                        live.groups[group] = entries
                        replaced.add(group)
                    if info is old:
                        index = bisect_left(entries, entry)
                        if index < len(entries) and entries[index] == entry:
                            del entries[index]
                    else:
                        insort(entries, entry)
            live.infos[key] = new


class Db(MutableMapping[str, Table]):
    """``{table: Table}`` over a built world's frozen tables; a table object is made on first access (cheap)."""

    def __init__(self, frozen: Mapping[str, FrozenTable]) -> None:
        self._frozen = frozen
        self._tables: dict[str, Table] = {}
        self._gone: set[str] = set()

    def touched(self, table: str) -> bool:
        """Whether ``table`` may differ from the frozen world."""
        if table in self._gone:
            return True
        found = self._tables.get(table)
        if found is None:
            return False
        return table not in self._frozen or found._origin is not self._frozen[table] or found.touched()

    def __getitem__(self, table: str) -> Table:
        found = self._tables.get(table)
        if found is None:
            if table in self._gone or table not in self._frozen:
                raise KeyError(table)
            found = self._tables.setdefault(table, Table(self._frozen[table]))
        return found

    def __setitem__(self, table: str, rows: Mapping[str, Any]) -> None:
        self._tables[table] = rows if isinstance(rows, Table) else Table.of(rows)
        self._gone.discard(table)

    def __delitem__(self, table: str) -> None:
        if table not in self:
            raise KeyError(table)
        self._tables.pop(table, None)
        if table in self._frozen:
            self._gone.add(table)

    def __contains__(self, table: object) -> bool:
        return table in self._tables or (table in self._frozen and table not in self._gone)

    def __iter__(self) -> Iterator[str]:
        for table in self._frozen:
            if table not in self._gone:
                yield table
        for table in self._tables:
            if table not in self._frozen:
                yield table

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return f"Db({ {t: self[t] for t in self}!r})"

    def plain(self) -> dict[str, dict[str, Any]]:
        """A deep copy as plain dicts."""
        return {table: self[table].plain() for table in self}
