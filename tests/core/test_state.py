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
    user = next(iter(emulator.state.db["users"].values()))
    user["name"] = "Changed in place"  # mutate nested records directly
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
