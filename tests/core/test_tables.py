"""Tables of a frozen world: copy on access by key, read-only iteration, dict order, and sorted indexes."""

from __future__ import annotations

import copy
import json
import pickle
import random
from typing import Any

import pytest

from mockservers.core.tables import (
    FilteredRecords,
    FrozenDict,
    FrozenList,
    FrozenTable,
    IndexSpec,
    RecordList,
    Table,
    freeze,
    thaw,
)


def _world(count: int = 30) -> FrozenTable:
    return FrozenTable(
        {f"k{i}": {"id": f"k{i}", "team": f"t{i % 3}", "created": i % 7, "tags": [f"x{i % 2}"]} for i in range(count)}
    )


BY_TEAM = IndexSpec("test.by_team", lambda r: (r["team"],) if r["team"] else (), lambda r: (-r["created"], r["id"]))
BY_CREATED = IndexSpec("test.by_created", lambda r: ("all",), lambda r: r["created"])  # ties: insertion order


def _brute(table: Table, team: str) -> list[str]:
    found = [r for r in table.values() if r["team"] == team]
    return [r["id"] for r in sorted(found, key=lambda r: (-r["created"], r["id"]))]


def test_frozen_data_reads_as_plain_data_and_refuses_writes() -> None:
    record = freeze({"a": [1, {"b": 2}], "c": (3, [4])})
    assert isinstance(record, dict) and isinstance(record["a"], FrozenList) and isinstance(record["a"][1], FrozenDict)
    assert record == {"a": [1, {"b": 2}], "c": (3, [4])}
    assert json.loads(json.dumps(record)) == {"a": [1, {"b": 2}], "c": [3, [4]]}
    for write in (
        lambda: record.__setitem__("a", 1),
        lambda: record.pop("a"),
        lambda: record.update(a=1),
        lambda: record.setdefault("z", 1),
        lambda: record["a"].append(5),
        lambda: record["a"][1].__setitem__("b", 3),
        lambda: record["a"].sort(),
        lambda: record["c"][1].append(5),
    ):
        with pytest.raises(TypeError, match="read-only"):
            write()
    assert record == {"a": [1, {"b": 2}], "c": (3, [4])}
    for copied in (thaw(record), copy.deepcopy(record), pickle.loads(pickle.dumps(record))):
        assert copied == record and type(copied) is dict and type(copied["a"]) is list and type(copied["a"][1]) is dict
        copied["a"][1]["b"] = 9  # a private copy: writable, the frozen one unchanged
        assert record["a"][1]["b"] == 2
    shallow = {**record, "d": 1}
    assert shallow["d"] == 1 and type(shallow) is dict


def test_access_by_key_copies_once_and_iteration_copies_nothing() -> None:
    base = _world(5)
    one, two = Table(base), Table(base)
    assert [r["id"] for r in one.values()] == ["k0", "k1", "k2", "k3", "k4"]
    assert all(type(r) is FrozenDict for r in one.values()) and not one.touched()
    mine = one["k2"]
    assert type(mine) is dict and one["k2"] is mine and one.get("k2") is mine and one.peek("k2") is mine
    mine["tags"].append("changed")
    assert one.touched() and not two.touched()
    assert two["k2"]["tags"] == ["x0"] and base["k2"]["tags"] == ["x0"]
    assert [r["tags"] for r in one.values()][2] == ["x0", "changed"]
    assert one.find(lambda r: r["id"] == "k3") is one["k3"]
    assert one.find(lambda r: False) is None
    assert one.get("nope") is None and "nope" not in one
    with pytest.raises(KeyError):
        one["nope"]
    with pytest.raises(KeyError):
        del one["nope"]


def test_a_table_behaves_as_a_dict_under_random_writes() -> None:
    rng = random.Random(17)
    base = _world(20)
    table, plain = Table(base), thaw(base)
    for step in range(600):
        key = f"k{rng.randrange(30)}"
        action = rng.random()
        if action < 0.3:
            record = {"id": key, "team": f"t{rng.randrange(3)}", "created": rng.randrange(7), "tags": []}
            table[key], plain[key] = record, copy.deepcopy(record)
        elif action < 0.5 and key in plain:
            del table[key]
            del plain[key]
        elif action < 0.8 and key in plain:
            table[key]["created"] = plain[key]["created"] = rng.randrange(7)
        elif action < 0.85 and key in plain:
            assert table.pop(key) == plain.pop(key)
        elif action < 0.86:
            table.clear()
            plain.clear()
        assert list(table) == list(plain), step
        assert table == plain and len(table) == len(plain)
        assert [r for r in table.values()] == list(plain.values())
        assert dict(table.items()) == plain and table.plain() == plain
        assert all((k in table) == (k in plain) for k in (f"k{i}" for i in range(30)))


def test_an_index_answers_as_a_sort_of_the_values_would_under_random_writes() -> None:
    rng = random.Random(5)
    base = _world(40)
    table = Table(base)
    held: list[dict[str, Any]] = []
    for step in range(400):
        key = f"k{rng.randrange(60)}"
        action = rng.random()
        if action < 0.25:
            table[key] = {"id": key, "team": f"t{rng.randrange(4)}", "created": rng.randrange(7), "tags": []}
        elif action < 0.4 and key in table:
            del table[key]
        elif action < 0.7 and key in table:
            held.append(table[key])  # a reference kept by "domain code", changed later
        elif held:
            record = rng.choice(held)
            if rng.random() < 0.5:
                record["created"] = rng.randrange(7)
            else:
                record["team"] = f"t{rng.randrange(4)}"
        if action > 0.97:
            table.clear()
            held.clear()
        for team in ("t0", "t1", "t2", "t3"):
            entries = table.ordered(BY_TEAM, team)
            assert [e[2] for e in entries] == _brute(table, team), (step, team)
        by_created = [e[2] for e in table.ordered(BY_CREATED, "all")]
        # Ties keep insertion (iteration) order, as Python's stable sort does.
        assert by_created == [r_key for r_key, _ in sorted(table.items(), key=lambda item: item[1]["created"])], step


def test_an_index_is_built_once_per_frozen_world_and_shared() -> None:
    base = _world(12)
    one, two = Table(base), Table(base)
    first = one.ordered(BY_TEAM, "t1")
    assert two.ordered(BY_TEAM, "t1") is first  # the frozen world's index, not rebuilt
    one["k1"]["created"] = 100
    changed = one.ordered(BY_TEAM, "t1")
    assert changed is not first and changed[0][2] == "k1"
    assert [e[2] for e in first] == _brute(two, "t1")  # a list handed out is never changed afterwards
    assert two.ordered(BY_TEAM, "t1") is first


def test_matching_remembers_the_frozen_worlds_verdicts_and_rechecks_only_changed_records() -> None:
    base = _world(30)
    checked: list[str] = []

    def tagged(tag: str) -> Any:
        def keep(record: Any) -> bool:
            checked.append(record["id"])
            return tag in record["tags"]

        return keep

    def brute(table: Table, tag: str) -> list[str]:
        return [e[2] for e in table.ordered(BY_TEAM, "t0") if tag in table.peek(e[2])["tags"]]

    one, two = Table(base), Table(base)
    first = one.matching(BY_TEAM, "t0", "x1", tagged("x1"))
    assert [e[2] for e in first] == brute(one, "x1") and first
    assert sorted(checked) == sorted(e[2] for e in one.ordered(BY_TEAM, "t0"))  # each frozen record once
    checked.clear()
    assert two.matching(BY_TEAM, "t0", "x1", tagged("x1")) is first  # another state of the world: no check at all
    assert checked == []
    # A copied record whose indexed fields stay the same but whose verdict changes is checked again.
    one["k3"]["tags"] = ["x0"]
    one["k99"] = {"id": "k99", "team": "t0", "created": 9, "tags": ["x1"]}
    del one["k9"]
    again = one.matching(BY_TEAM, "t0", "x1", tagged("x1"))
    assert [e[2] for e in again] == brute(one, "x1")
    assert "k3" not in [e[2] for e in again] and "k99" in [e[2] for e in again] and "k9" not in [e[2] for e in again]
    assert sorted(checked) == ["k3", "k99"]  # only what this table changed
    assert two.matching(BY_TEAM, "t0", "x1", tagged("x1")) is first  # the other state is unaffected


def test_record_lists_page_without_copying() -> None:
    table = Table(_world(30))
    entries = table.ordered(BY_TEAM, "t0")
    records = RecordList(table, entries)
    expected = _brute(table, "t0")
    assert len(records) == len(expected) and [r["id"] for r in records] == expected
    assert [r["id"] for r in records[2:5]] == expected[2:5] and records[-1]["id"] == expected[-1]
    assert records.keys() == expected and records == [table.peek(k) for k in expected]
    backwards = RecordList(table, entries, 1, 6, reverse=True)
    assert [r["id"] for r in backwards] == list(reversed(expected[1:6]))
    assert not table.touched()
    kept = FilteredRecords(table, table.ordered(BY_CREATED, "all"), lambda r: r["team"] == "t2")
    plain = [r for r in sorted(table.values(), key=lambda r: r["created"]) if r["team"] == "t2"]
    assert kept[1:3] == plain[1:3] and kept[0] == plain[0]
    assert list(kept) == plain and len(kept) == len(plain) and kept[-1] == plain[-1]
