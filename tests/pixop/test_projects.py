"""Pixop projects over HTTP: CRUD, pagination and team isolation."""

from __future__ import annotations

import math
from urllib.parse import parse_qs, urlsplit

import pytest
from pixop_asserts import assert_error

PROJECTS = "/videos/v1/projects"
PROJECT = "/videos/v1/project"


def team_projects(pixop, team_id: str) -> list[dict]:
    return [p for p in pixop.state.db["projects"].values() if p["teamId"] == team_id]


def create(client, name: str) -> dict:
    response = client.put(PROJECT, json={"name": name})
    assert response.status_code == 200, response.text
    return response.json()["project"]


def other_client(pixop, make_pixop_client):
    other = pixop.state.user_by_key("other")
    return make_pixop_client(other["email"], other["demo_password"])


# -- CRUD ---------------------------------------------------------------------------
def test_create_get_update_delete(pixop, pixop_client) -> None:
    team_id = pixop_client.post("/accounts/v1/token").json()["team"]["id"]
    project = create(pixop_client, "Restoration batch")
    assert project["name"] == "Restoration batch"
    assert project["teamId"] == team_id
    assert project["dateCreated"] == project["timeLastUpdated"]

    fetched = pixop_client.get(f"{PROJECT}/{project['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == {"project": project}

    listed = pixop_client.get(PROJECTS, params={"page-size": 1000}).json()["_embedded"]["projects"]
    assert [p["id"] for p in listed].count(project["id"]) == 1

    pixop.clock.advance(5)
    updated = pixop_client.post(f"{PROJECT}/{project['id']}", json={"name": "Renamed batch"})
    assert updated.status_code == 200
    changed = updated.json()["project"]
    assert changed["id"] == project["id"]
    assert changed["name"] == "Renamed batch"
    assert changed["dateCreated"] == project["dateCreated"]
    assert changed["timeLastUpdated"] > project["timeLastUpdated"]
    assert pixop_client.get(f"{PROJECT}/{project['id']}").json()["project"]["name"] == "Renamed batch"

    deleted = pixop_client.delete(f"{PROJECT}/{project['id']}")
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert_error(pixop_client.get(f"{PROJECT}/{project['id']}"), 404)
    assert_error(pixop_client.post(f"{PROJECT}/{project['id']}", json={"name": "again"}), 404)
    assert_error(pixop_client.delete(f"{PROJECT}/{project['id']}"), 404)


def test_seeded_project_matches_the_world(pixop, pixop_client) -> None:
    team_id = pixop.credentials["team_id"]
    seeded = next(p for p in team_projects(pixop, team_id) if p["name"] == "Archive restoration")
    body = pixop_client.get(f"{PROJECT}/{seeded['id']}").json()["project"]
    assert body["id"] == seeded["id"]
    assert body["name"] == seeded["name"]
    assert body["teamId"] == team_id


def test_unknown_project_is_404(pixop_client) -> None:
    assert_error(pixop_client.get(f"{PROJECT}/does-not-exist"), 404)


def test_deleting_a_project_with_videos_is_a_conflict(pixop, pixop_client) -> None:
    seeded = next(
        p for p in team_projects(pixop, pixop.credentials["team_id"]) if p["name"] == "Archive restoration"
    )
    videos = pixop_client.get("/videos/v1/videos", params={"project-id": seeded["id"]}).json()
    count = videos["_embedded"]["totalFound"]
    assert count > 0
    body = assert_error(pixop_client.delete(f"{PROJECT}/{seeded['id']}"), 409)
    assert f"{count} video" in body["errorMessage"]
    assert pixop_client.get(f"{PROJECT}/{seeded['id']}").status_code == 200

    # Once its videos are gone (processed children go with their source), it can be deleted.
    for video in videos["_embedded"]["videos"]:
        if video["parentId"] is None:
            assert pixop_client.delete(f"/videos/v1/video/{video['id']}").status_code == 200
    assert pixop_client.delete(f"{PROJECT}/{seeded['id']}").status_code == 204


def test_project_with_one_new_video_names_the_count(pixop_client) -> None:
    project = create(pixop_client, "One video")
    assert pixop_client.put("/videos/v1/video", json={"projectId": project["id"]}).status_code == 200
    body = assert_error(pixop_client.delete(f"{PROJECT}/{project['id']}"), 409)
    assert "1 video" in body["errorMessage"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", None),
        (b"", None),
        (b"[]", None),
        (b'"a name"', None),
        (b"{}", "name"),
        (b'{"name": null}', "name"),
        (b'{"name": 42}', "name"),
        (b'{"name": ["a"]}', "name"),
        (b'{"name": "   "}', "name"),
        (b'{"name": "' + b"x" * 256 + b'"}', "name"),
        (b'{"name": "ok", "teamId": "x"}', "teamId"),
    ],
)
@pytest.mark.parametrize("verb", ["create", "update"])
def test_bad_project_bodies(pixop, pixop_client, body: bytes, field: str | None, verb: str) -> None:
    before = {p["id"]: dict(p) for p in pixop.state.db["projects"].values()}
    if verb == "create":
        response = pixop_client.put(PROJECT, data=body, headers={"Content-Type": "application/json"})
    else:
        target = next(iter(team_projects(pixop, pixop.credentials["team_id"])))
        response = pixop_client.post(
            f"{PROJECT}/{target['id']}", data=body, headers={"Content-Type": "application/json"}
        )
    error = assert_error(response, 400)
    if field is not None:
        assert field in error["errorMessage"]
    assert {p["id"]: dict(p) for p in pixop.state.db["projects"].values()} == before


def test_projects_need_a_token(make_pixop_client) -> None:
    client = make_pixop_client(login=False)
    assert_error(client.get(PROJECTS), 401, "NoJWTTokenFoundException")
    assert_error(client.put(PROJECT, json={"name": "x"}), 401, "NoJWTTokenFoundException")


# -- pagination -------------------------------------------------------------------------
def test_default_page_lists_every_team_project(pixop, pixop_client) -> None:
    expected = {p["id"] for p in team_projects(pixop, pixop.credentials["team_id"])}
    body = pixop_client.get(PROJECTS).json()
    assert body["page"] == 0
    assert body["_embedded"]["totalFound"] == len(expected)
    assert body["pageSize"] >= len(expected)
    assert {p["id"] for p in body["_embedded"]["projects"]} == expected
    assert set(body["_links"]) == {"self", "first", "last"}
    for project in body["_embedded"]["projects"]:
        assert project["_links"]["self"]["href"] == f"{pixop.base_url}{PROJECT}/{project['id']}"
        assert (
            pixop_client.get(project["_links"]["self"]["href"]).json()["project"]["name"] == project["name"]
        )


@pytest.mark.parametrize("page_size", [1, 2, 3, 4, 7])
def test_walking_next_links_sees_every_project_once(pixop, pixop_client, page_size: int) -> None:
    for number in range(4):
        create(pixop_client, f"Paged {number}")
    expected = sorted(p["id"] for p in team_projects(pixop, pixop.credentials["team_id"]))
    pages = math.ceil(len(expected) / page_size)

    seen: list[str] = []
    url = f"{PROJECTS}?page-size={page_size}"
    number = 0
    while url:
        response = pixop_client.get(url)
        assert response.status_code == 200
        body = response.json()
        links = body["_links"]
        assert body["page"] == number
        assert body["pageSize"] == page_size
        assert body["_embedded"]["totalFound"] == len(expected)
        assert len(body["_embedded"]["projects"]) == min(page_size, len(expected) - number * page_size)
        assert "previous" not in links  # the seed's name; the Java client reads "prev"
        assert ("prev" in links) == (number > 0)
        assert ("next" in links) == (number < pages - 1)
        for name, target in (
            ("self", number),
            ("first", 0),
            ("last", pages - 1),
            ("next", number + 1),
            ("prev", number - 1),
        ):
            if name in links:
                href = links[name]["href"]
                assert href.startswith(pixop.base_url + PROJECTS + "?")
                query = parse_qs(urlsplit(href).query)
                assert query == {"page": [str(target)], "page-size": [str(page_size)]}, (name, href)
        seen += [p["id"] for p in body["_embedded"]["projects"]]
        url = links["next"]["href"] if "next" in links else None
        number += 1
    assert number == pages
    assert sorted(seen) == expected
    assert len(seen) == len(set(seen))


def test_walking_previous_links_back_from_last(pixop, pixop_client) -> None:
    for number in range(3):
        create(pixop_client, f"Back {number}")
    total = len(team_projects(pixop, pixop.credentials["team_id"]))
    last = pixop_client.get(PROJECTS, params={"page-size": 2}).json()["_links"]["last"]["href"]
    seen: list[str] = []
    url: str | None = last
    while url:
        body = pixop_client.get(url).json()
        seen += [p["id"] for p in body["_embedded"]["projects"]]
        url = body["_links"].get("prev", {}).get("href")
    assert len(seen) == len(set(seen)) == total


def test_newest_project_comes_first(pixop, pixop_client) -> None:
    pixop.clock.advance(1)
    newest = create(pixop_client, "Newest")
    first = pixop_client.get(PROJECTS, params={"page-size": 1}).json()["_embedded"]["projects"]
    assert [p["id"] for p in first] == [newest["id"]]


def test_page_past_the_end_is_empty(pixop, pixop_client) -> None:
    total = len(team_projects(pixop, pixop.credentials["team_id"]))
    body = pixop_client.get(PROJECTS, params={"page": total + 5, "page-size": 1}).json()
    assert body["_embedded"]["projects"] == []
    assert body["_embedded"]["totalFound"] == total
    assert "next" not in body["_links"]


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("page", "-1"),
        ("page", "abc"),
        ("page", "1.5"),
        ("page", ""),
        ("page", "\u00b2"),
        ("page", "99999999999999999999"),
        ("page-size", "0"),
        ("page-size", "-3"),
        ("page-size", "ten"),
        ("page-size", "100000000"),
        ("page-size", "\u00b2"),
    ],
)
def test_bad_page_values(pixop_client, param: str, value: str) -> None:
    body = assert_error(pixop_client.get(PROJECTS, params={param: value}), 400)
    assert param in body["errorMessage"]


# -- team isolation -----------------------------------------------------------------------
def test_another_teams_project_is_invisible(pixop, pixop_client, make_pixop_client) -> None:
    other = other_client(pixop, make_pixop_client)
    theirs = create(other, "Their project")
    mine = create(pixop_client, "My project")

    assert_error(pixop_client.get(f"{PROJECT}/{theirs['id']}"), 404)
    assert_error(pixop_client.post(f"{PROJECT}/{theirs['id']}", json={"name": "hijacked"}), 404)
    assert_error(pixop_client.delete(f"{PROJECT}/{theirs['id']}"), 404)
    assert_error(other.get(f"{PROJECT}/{mine['id']}"), 404)

    assert other.get(f"{PROJECT}/{theirs['id']}").json()["project"]["name"] == "Their project"
    my_ids = {
        p["id"]
        for p in pixop_client.get(PROJECTS, params={"page-size": 1000}).json()["_embedded"]["projects"]
    }
    their_ids = {
        p["id"] for p in other.get(PROJECTS, params={"page-size": 1000}).json()["_embedded"]["projects"]
    }
    assert theirs["id"] not in my_ids
    assert mine["id"] not in their_ids
    assert my_ids.isdisjoint(their_ids)


def test_the_users_second_team_is_separate(pixop, pixop_client, make_pixop_client) -> None:
    demo = pixop.state.user_by_key("demo")
    second = make_pixop_client(team_id=demo["teams"][1])
    first_team_project = create(pixop_client, "First team")
    assert first_team_project["teamId"] == demo["teams"][0]
    assert_error(second.get(f"{PROJECT}/{first_team_project['id']}"), 404)
    second_team_project = create(second, "Second team")
    assert second_team_project["teamId"] == demo["teams"][1]
    assert_error(pixop_client.get(f"{PROJECT}/{second_team_project['id']}"), 404)
    listed = {
        p["id"] for p in second.get(PROJECTS, params={"page-size": 1000}).json()["_embedded"]["projects"]
    }
    assert listed == {p["id"] for p in team_projects(pixop, demo["teams"][1])}
