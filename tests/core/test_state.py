"""BaseState: reset equals a fresh instance, worlds are deterministic per seed, snapshots round-trip."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest

from mockservers.core import state as state_module
from mockservers.core.blobs import BlobStore
from mockservers.core.clock import VirtualClock
from mockservers.core.emulator import Emulator
from mockservers.core.jobs import Scheduler
from mockservers.core.state import BaseState, StateContext
from mockservers.pytest_plugin import check_contracts
from mockservers.registry import create_emulator


@pytest.fixture
def fresh() -> Iterator[Any]:
    made: list[Emulator] = []

    def make(seed: int = 0) -> Emulator:
        emulator = create_emulator("pixop", seed=seed)
        made.append(emulator)
        return emulator

    yield make
    for emulator in made:
        emulator.close()


def test_reset_equals_a_fresh_instance(pixop, pixop_client, fresh) -> None:
    project = pixop_client.put("/videos/v1/project", json={"name": "Mutation"}).json()["project"]
    video = pixop_client.put("/videos/v1/video", json={"projectId": project["id"]}).json()
    pixop_client.post(f"/videos/v1/video/{video['videoId']}", json={"name": "renamed"})
    pixop_client.get("/accounts/v1/generate-signature-secret")
    pixop.clock.advance(3600)
    mutated = pixop.state.snapshot()

    assert check_contracts(pixop) == []  # reset forgets the journal the fixture would check
    pixop.reset()
    reset = pixop.state.snapshot()
    assert reset != mutated
    assert reset == fresh(pixop.config.seed).state.snapshot()
    assert pixop.state.seed == pixop.config.seed


def test_reset_is_repeatable_and_isolated_from_mutations(fresh) -> None:
    emulator = fresh(11)
    pristine = emulator.state.snapshot()
    users = emulator.state.db["users"]
    user = users[next(iter(users))]  # by key: the state's private copy of the record
    user["name"] = "Changed in place"  # mutate records directly
    user["teams"].append("nested, in place")
    emulator.state.db["projects"].clear()
    emulator.state.ids.uuid()
    emulator.reset()
    assert emulator.state.snapshot() == pristine
    emulator.reset()
    assert emulator.state.snapshot() == pristine
    assert fresh(11).state.snapshot() == pristine  # the cached world was not touched either


def test_same_seed_same_snapshot_even_when_rebuilt(fresh, monkeypatch) -> None:
    first = fresh(5).state.snapshot()
    monkeypatch.setattr(state_module, "_BUILT_WORLDS", type(state_module._BUILT_WORLDS)())  # force build_world to run again
    second = fresh(5).state.snapshot()
    assert first == second
    json.dumps(first)  # snapshots are plain JSON


def test_different_seed_different_ids(fresh) -> None:
    one, two = fresh(1).state, fresh(2).state
    for table in ("teams", "users", "projects", "videos"):
        assert one.db[table], table
        assert set(one.db[table]).isdisjoint(two.db[table]), table
    assert one.credentials()["email"] == two.credentials()["email"]  # same world, other ids
    assert one.credentials()["user_id"] != two.credentials()["user_id"]
    assert one.ids.getstate() != two.ids.getstate()


def test_snapshot_restore_round_trip_on_the_instance(fresh) -> None:
    state = fresh(0).state
    saved = state.snapshot()
    next_id = state.ids.uuid()
    state.db["projects"].clear()
    state.restore(saved)
    assert state.snapshot() == saved
    assert state.ids.uuid() == next_id  # the id generator resumes where the snapshot was taken
    with pytest.raises(ValueError, match="provider"):
        state.restore({**saved, "provider": "other"})
    with pytest.raises(ValueError, match="table"):
        state.restore({**saved, "db": {}})


# -- a minimal provider state, no Flask involved ----------------------------------
class CountingState(BaseState):
    provider = "counting"
    tables: ClassVar[tuple[str, ...]] = ("things",)
    builds: ClassVar[int] = 0

    def default_world(self) -> dict[str, Any]:
        return {"things": 3}

    def build_world(self) -> None:
        type(self).builds += 1
        for _ in range(self.world["things"]):
            thing_id = self.ids.uuid()
            self.db["things"][thing_id] = {"id": thing_id, "created": 0}


@pytest.fixture
def ctx() -> Iterator[StateContext]:
    clock = VirtualClock()
    blobs = BlobStore()
    yield StateContext(clock, Scheduler(clock), blobs)
    blobs.close()


def test_world_is_built_once_per_seed_and_world(ctx: StateContext, monkeypatch) -> None:
    monkeypatch.setattr(state_module, "_BUILT_WORLDS", type(state_module._BUILT_WORLDS)())
    monkeypatch.setattr(CountingState, "builds", 0)
    first = CountingState(ctx, seed=1)
    CountingState(ctx, seed=1)
    assert CountingState.builds == 1
    CountingState(ctx, seed=2)
    CountingState(ctx, seed=1, world={"things": 5})
    assert CountingState.builds == 3
    assert len(first.db["things"]) == 3

    first.db["things"].clear()
    first.reset()
    assert CountingState.builds == 3  # reset reuses the built world
    assert first.snapshot() == CountingState(ctx, seed=1).snapshot()
    assert len(first.db["things"]) == 3


def test_reset_keeps_the_same_lock(ctx: StateContext) -> None:
    state = CountingState(ctx, seed=4)
    lock = state.lock
    state.reset()
    assert state.lock is lock
    assert state.seed == 4 and state.ctx is ctx


class SettingsState(BaseState):
    """A world whose seeded records depend on a setting (as seeded jobs depend on durations)."""

    provider = "settingsdemo"
    tables: ClassVar[tuple[str, ...]] = ("jobs",)

    def build_world(self) -> None:
        self.db["jobs"]["1"] = {"seconds": self.ctx.settings.get("seconds", 3)}


def test_a_world_built_with_other_settings_is_not_reused(ctx: StateContext) -> None:
    clock = VirtualClock()
    other = StateContext(clock, Scheduler(clock), ctx.blobs, {"seconds": 60})
    assert SettingsState(ctx, seed=9).db["jobs"]["1"]["seconds"] == 3
    assert SettingsState(other, seed=9).db["jobs"]["1"]["seconds"] == 60
    assert SettingsState(ctx, seed=9).db["jobs"]["1"]["seconds"] == 3


def test_the_built_world_cache_is_bounded(ctx: StateContext, monkeypatch) -> None:
    monkeypatch.setattr(state_module, "_BUILT_WORLDS", type(state_module._BUILT_WORLDS)())
    for seed in range(state_module.BUILT_WORLDS_MAX + 5):
        CountingState(ctx, seed=seed)
    assert len(state_module._BUILT_WORLDS) == state_module.BUILT_WORLDS_MAX


# -- copy on first access, meta --------------------------------------------------
class MetaState(CountingState):
    provider = "meta-counting"

    def build_world(self) -> None:
        super().build_world()
        self.meta["counter"] = 0
        self.meta["names"] = ["seeded"]


def test_a_table_is_copied_on_first_access_and_reset_drops_only_that(ctx: StateContext) -> None:
    one, two = MetaState(ctx, seed=6), MetaState(ctx, seed=6)
    assert not one.db.touched("things")
    key = next(iter(one.db["things"]))
    assert not one.db.touched("things")  # iterating copies nothing
    thing = one.db["things"][key]
    thing["created"] = 99  # in place, as providers' state code writes
    assert one.db.touched("things")
    assert one.db["things"][key] is thing  # one private copy, handed out again
    assert all(t["created"] == 0 for t in two.db["things"].values())  # the built world is shared, never written
    one.reset()
    assert not one.db.touched("things")
    assert one.snapshot() == two.snapshot() == MetaState(ctx, seed=6).snapshot()


def test_meta_is_state_snapshotted_restored_and_reset(ctx: StateContext) -> None:
    state = MetaState(ctx, seed=7)
    assert "meta" not in state.db
    saved = state.snapshot()
    assert saved["meta"] == {"counter": 0, "names": ["seeded"]}
    state.meta["counter"] += 1
    state.meta["names"].append("changed")  # nested, in place
    assert state.snapshot()["meta"] == {"counter": 1, "names": ["seeded", "changed"]}
    state.reset()
    assert state.snapshot() == saved
    assert MetaState(ctx, seed=7).meta == {"counter": 0, "names": ["seeded"]}  # the built world's meta is untouched
    changed = {**saved, "meta": {"counter": 5, "names": []}}
    state.restore(changed)
    assert state.meta == {"counter": 5, "names": []}
    assert state.snapshot() == changed


def test_a_snapshot_with_meta_as_a_table_still_restores(ctx: StateContext) -> None:
    # The format before meta left db: PUT /__admin/state and saved archives may still carry it.
    state = MetaState(ctx, seed=8)
    saved = state.snapshot()
    old = {"provider": saved["provider"], "seed": saved["seed"], "ids": saved["ids"], "db": {**saved["db"], "meta": {"counter": 3, "names": []}}}
    state.restore(old)
    assert state.meta == {"counter": 3, "names": []}
    assert "meta" not in state.db
    with pytest.raises(ValueError, match="meta"):
        state.restore({**saved, "meta": ["not", "an", "object"]})


def test_after_load_scans_are_memoised_only_while_the_table_is_pristine(ctx: StateContext) -> None:
    state = MetaState(ctx, seed=9)
    assert state.scan("things", "count", len) == 3
    assert not state.db.touched("things")  # a scan of a pristine table copies nothing
    state.db["things"].clear()
    assert state.scan("things", "count", len) == 0  # a touched table is scanned as it is now
    state.reset()
    assert state.scan("things", "count", len) == 3


def test_a_reset_after_the_anchor_hour_moved_equals_a_fresh_vonage_state() -> None:
    # Vonage places seeded items relative to the current hour: the built world depends on it.
    emulator = create_emulator("vonage")
    try:
        state = emulator.state
        emulator.clock.advance(7200)
        state.reset()
        fresh_state = type(state)(state.ctx, state.seed, state.world)
        assert state.snapshot() == fresh_state.snapshot()
        assert state._built.variant != "" and state._built is fresh_state._built
    finally:
        emulator.close()


def test_records_found_by_iterating_are_read_only_until_taken_by_key(ctx: StateContext) -> None:
    state, other = MetaState(ctx, seed=10), MetaState(ctx, seed=10)
    things = state.db["things"]
    found = next(iter(things.values()))
    with pytest.raises(TypeError, match="read-only"):
        found["created"] = 1  # a shared record of the built world: refused, never silently changed
    with pytest.raises(TypeError, match="read-only"):
        found.update(created=1)
    assert not state.db.touched("things")
    mine = things[found["id"]]
    assert mine == found and mine is not found and type(mine) is dict
    mine["created"] = 5
    assert next(iter(things.values()))["created"] == 5  # iteration now yields the private copy
    assert all(t["created"] == 0 for t in other.db["things"].values())
    assert json.loads(json.dumps(dict(things.items())))[found["id"]]["created"] == 5


def test_a_table_keeps_dict_order_through_deletes_and_re_adds(ctx: StateContext) -> None:
    state = MetaState(ctx, seed=12)
    things = state.db["things"]
    plain = dict(things.items())
    first, second, third = list(plain)
    for table in (things, plain):
        del table[second]
        table["new"] = {"id": "new", "created": 1}
        table[second] = {"id": second, "created": 2}  # re-added: now last, as in a dict
        table[first] = {"id": first, "created": 3}  # replaced: keeps its place
    assert list(things) == list(plain) == [first, third, "new", second]
    assert things == plain and len(things) == 4 and second in things
    assert [t["created"] for t in things.values()] == [3, 0, 1, 2]
    assert things.pop("new")["created"] == 1 and "new" not in things
    things.clear()
    assert len(things) == 0 and list(things) == [] and state.db.touched("things")
    state.reset()
    assert len(state.db["things"]) == 3
