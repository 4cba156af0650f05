"""The admin API: info, reset, clock, state snapshots and reseeding."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mockservers.core.emulator import load_world
from mockservers.pytest_plugin import check_contracts


def _url(pixop, path: str) -> str:
    return f"{pixop.base_url}/__admin{path}"


@pytest.fixture
def restore_world(pixop) -> Iterator[None]:
    """Reseeding changes what reset() returns to; put the configured world back for later tests."""
    yield
    pixop.reseed(seed=pixop.config.seed, world=load_world(pixop.config.world) or pixop.state.default_world())


def test_info(pixop, pixop_client) -> None:
    response = pixop_client.get(_url(pixop, "/"))
    assert response.status_code == 200
    assert response.json() == {
        "provider": "pixop",
        "base_url": pixop.base_url,
        "credentials": pixop.credentials,
        "seed": pixop.config.seed,
    }


def test_reset_restores_the_seeded_world(pixop, pixop_client) -> None:
    credentials = dict(pixop.credentials)
    assert check_contracts(pixop) == []  # a reset forgets the exchanges the fixture would check
    pixop.reset()  # undo the fixture's login, which drew a token id from the seeded generator
    seeded = pixop.state.snapshot()
    project = pixop_client.put("/videos/v1/project", json={"name": "Temporary"}).json()["project"]
    assert pixop_client.get(f"/videos/v1/project/{project['id']}").status_code == 200
    pixop.faults.add(path="/nowhere", status=500)
    pixop.clock.freeze()
    pixop.clock.advance(3600)

    assert check_contracts(pixop) == []
    response = pixop_client.post(_url(pixop, "/reset"))
    assert (response.status_code, response.json()) == (200, {"reset": True})

    assert pixop.credentials == credentials
    assert pixop.state.snapshot() == seeded
    assert pixop.faults.rules() == []
    assert pixop.clock.frozen is False
    assert pixop.journal.entries() == []  # only the (admin) reset call itself remains
    assert [e.path for e in pixop.journal.entries(include_admin=True)] == ["/__admin/reset"]
    pixop_client.login()
    assert pixop_client.get(f"/videos/v1/project/{project['id']}").status_code == 404
    names = [p["name"] for p in pixop_client.get("/videos/v1/projects", params={"page-size": 1000}).json()["_embedded"]["projects"]]
    assert "Temporary" not in names


def test_clock_get_and_post(pixop, pixop_client) -> None:
    now = pixop_client.get(_url(pixop, "/clock"))
    assert now.status_code == 200
    assert now.json()["frozen"] is False
    assert now.json()["now"].endswith("Z")

    frozen = pixop_client.post(_url(pixop, "/clock"), json={"freeze": True}).json()
    assert frozen["frozen"] is True
    assert pixop_client.get(_url(pixop, "/clock")).json() == frozen  # time stands still

    advanced = pixop_client.post(_url(pixop, "/clock"), json={"advance_seconds": 90.5}).json()
    assert advanced["epoch"] == pytest.approx(frozen["epoch"] + 90.5)

    moved = pixop_client.post(_url(pixop, "/clock"), json={"set": "2030-01-02T05:04:05+02:00"}).json()
    assert moved == {"now": "2030-01-02T03:04:05Z", "epoch": 1893553445.0, "frozen": True}

    combined = pixop_client.post(_url(pixop, "/clock"), json={"set": "2031-01-01T00:00:00Z", "advance_seconds": 60}).json()
    assert combined["now"] == "2031-01-01T00:01:00Z"

    running = pixop_client.post(_url(pixop, "/clock"), json={"freeze": False}).json()
    assert running["frozen"] is False
    assert pixop.clock.frozen is False


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"advance_seconds": -5},
        {"advance_seconds": "5"},
        {"advance_seconds": True},
        {"set": "not a date"},
        {"set": 1893456000},
        {"freeze": "yes"},
        {"rewind": 10},
        ["advance_seconds", 5],
        # valid fields next to a bad one: nothing is applied
        {"set": "2030-01-01T00:00:00Z", "freeze": True, "advance_seconds": -1},
        {"set": "2030-01-01T00:00:00Z", "freeze": "yes"},
    ],
)
def test_bad_clock_input_is_400_and_changes_nothing(pixop, pixop_client, body) -> None:
    pixop.clock.freeze()
    before = pixop.clock.describe()
    response = pixop_client.post(_url(pixop, "/clock"), json=body)
    assert response.status_code == 400
    error = response.json()
    assert error["status"] == 400 and error["error"]
    assert pixop.clock.describe() == before


def test_clock_post_without_json_is_400(pixop, pixop_client) -> None:
    response = pixop_client.post(_url(pixop, "/clock"), data="advance_seconds=5")
    assert response.status_code == 400
    assert "JSON" in response.json()["error"]


def test_state_snapshot_and_restore(pixop, pixop_client) -> None:
    snapshot = pixop_client.get(_url(pixop, "/state"))
    assert snapshot.status_code == 200
    saved = snapshot.json()
    assert saved["provider"] == "pixop" and saved["seed"] == pixop.config.seed
    assert saved == pixop.state.snapshot()

    project = pixop_client.put("/videos/v1/project", json={"name": "After snapshot"}).json()["project"]
    assert pixop_client.get(_url(pixop, "/state")).json() != saved

    restored = pixop_client.put(_url(pixop, "/state"), json=saved)
    assert (restored.status_code, restored.json()) == (200, {"restored": True})
    assert pixop_client.get(_url(pixop, "/state")).json() == saved
    assert pixop_client.get(f"/videos/v1/project/{project['id']}").status_code == 404


def test_restoring_a_later_snapshot_brings_data_back(pixop, pixop_client) -> None:
    project = pixop_client.put("/videos/v1/project", json={"name": "Kept"}).json()["project"]
    saved = pixop.state.snapshot()
    assert check_contracts(pixop) == []
    pixop.reset()
    assert project["id"] not in pixop.state.db["projects"]
    assert pixop_client.put(_url(pixop, "/state"), json=saved).status_code == 200
    pixop_client.login()
    assert pixop_client.get(f"/videos/v1/project/{project['id']}").json()["project"]["name"] == "Kept"


def test_bad_snapshot_is_400_and_changes_nothing(pixop, pixop_client) -> None:
    saved = pixop.state.snapshot()
    bad_inputs = [
        {**saved, "provider": "vonage"},
        {**saved, "db": {}},
        {**saved, "db": {table: {} for table in saved["db"]}, "ids": ["broken"]},  # used to wipe the db
        {"provider": "pixop"},
    ]
    for bad in bad_inputs:
        response = pixop_client.put(_url(pixop, "/state"), json=bad)
        assert response.status_code == 400, bad
        assert response.json()["status"] == 400
        assert pixop.state.snapshot() == saved
    not_object = pixop_client.put(_url(pixop, "/state"), json=[1, 2])
    assert not_object.status_code == 400


def _seed(pixop, client, body):
    return client.post(_url(pixop, "/seed"), json=body)


def test_seed_changes_the_world_deterministically(pixop, pixop_client, restore_world) -> None:
    original = pixop.credentials
    # Before the client's login, which the state records (Pixop keeps issued tokens).
    pixop.reset()
    original_state = pixop.state.snapshot()
    pixop_client.login()

    first = _seed(pixop, pixop_client, {"seed": 7})
    assert first.status_code == 200
    assert first.json()["seed"] == 7
    creds7 = first.json()["credentials"]
    assert creds7 == pixop.credentials
    assert creds7["email"] == original["email"]  # same world file, same logins
    assert creds7["user_id"] != original["user_id"]
    assert creds7["team_id"] != original["team_id"]
    state7 = pixop.state.snapshot()
    assert set(state7["db"]["users"]).isdisjoint(original_state["db"]["users"])

    again = _seed(pixop, pixop_client, {"seed": 7})
    assert again.json()["credentials"] == creds7
    assert pixop.state.snapshot() == state7

    # the new world serves requests; a reset returns to the configured world
    token = pixop_client.get("/accounts/v1/token", auth=(creds7["email"], creds7["password"]))
    assert token.status_code == 200
    assert token.json()["userId"] == creds7["user_id"]
    assert check_contracts(pixop) == []
    assert pixop_client.post(_url(pixop, "/reset")).status_code == 200
    assert pixop.state.snapshot()["db"] == original_state["db"]
    assert pixop.credentials == original
    _seed(pixop, pixop_client, {"seed": 7})

    back = _seed(pixop, pixop_client, {"seed": pixop.config.seed})
    assert back.json()["credentials"] == original
    assert pixop.state.snapshot()["db"] == original_state["db"]


def test_seed_with_a_world(pixop, pixop_client, restore_world) -> None:
    world = {
        "teams": [{"key": "solo", "name": "Solo"}],
        "users": [{"key": "demo", "email": "solo@pixop.example", "password": "pw-123456", "teams": ["solo"]}],
    }
    response = _seed(pixop, pixop_client, {"world": world, "seed": 3})
    assert response.status_code == 200
    assert response.json()["credentials"]["email"] == "solo@pixop.example"
    assert len(pixop.state.db["users"]) == 1
    assert pixop.state.db["projects"] == {}


@pytest.mark.parametrize(
    "body",
    [
        {"world": {"teams": [], "users": [{"key": "demo", "email": "a@b.example", "password": "p", "teams": ["nope"]}]}},
        {"world": {}},  # builds, but has no user to log in with
        {"world": []},
        {"seed": "seven"},
        {"seed": True},
        {"planet": "mars"},
    ],
)
def test_bad_seed_input_is_400_and_keeps_the_old_world(pixop, pixop_client, restore_world, body) -> None:
    before = pixop.state.snapshot()
    credentials = pixop.credentials
    response = _seed(pixop, pixop_client, body)
    assert response.status_code == 400
    assert response.json()["status"] == 400
    assert pixop.state.snapshot() == before
    assert pixop.credentials == credentials
    assert pixop_client.get(_url(pixop, "/")).status_code == 200
    assert pixop_client.get("/accounts/v1/account").status_code == 200


def test_unknown_admin_route_is_an_admin_error(pixop, pixop_client) -> None:
    response = pixop_client.get(_url(pixop, "/nothing-here"))
    assert response.status_code == 404
    assert set(response.json()) == {"error", "status"}
    wrong_verb = pixop_client.delete(_url(pixop, "/clock"))
    assert wrong_verb.status_code == 405
    assert wrong_verb.json()["status"] == 405
