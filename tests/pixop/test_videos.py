"""Pixop videos over HTTP: create, get, update, list, delete, team isolation, unknown routes."""

from __future__ import annotations

import os
from urllib.parse import parse_qs, urlsplit

import pytest
from pixop_asserts import assert_error

from mockservers.core.media import probe_media
from mockservers.core.paths import fixtures_dir

VIDEOS = "/videos/v1/videos"
VIDEO = "/videos/v1/video"
SMALL_MOV = fixtures_dir() / "media" / "small.mov"


def list_all(client, **params) -> dict:
    response = client.get(VIDEOS, params={"page-size": 1000, **params})
    assert response.status_code == 200, response.text
    return response.json()


def project_named(client, name: str) -> dict:
    projects = client.get("/videos/v1/projects", params={"page-size": 1000}).json()["_embedded"]["projects"]
    return next(p for p in projects if p["name"] == name)


def seeded_small_mov(client) -> dict:
    """The demo team's fully ingested small.mov (the world's "Archive restoration" project)."""
    project = project_named(client, "Archive restoration")
    videos = list_all(client, **{"project-id": project["id"]})["_embedded"]["videos"]
    return next(v for v in videos if v["filename"] == SMALL_MOV.name)


def create_video(client, **body) -> dict:
    response = client.put(VIDEO, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def other_client(pixop, make_pixop_client):
    other = pixop.state.user_by_key("other")
    return make_pixop_client(other["email"], other["demo_password"])


# -- create ------------------------------------------------------------------------------
def test_create_in_a_project(pixop, pixop_client) -> None:
    project = pixop_client.put("/videos/v1/project", json={"name": "Target"}).json()["project"]
    created = create_video(pixop_client, name="Holiday footage", projectId=project["id"])
    video_id = created["videoId"]
    assert created["projectId"] == project["id"]
    assert created["uploadMediaUrl"] == f"{pixop.base_url}/media/v1/upload/{video_id}"
    assert created["uploadLightMediaUrl"] == f"{pixop.base_url}/media/v1/upload/light/{video_id}"
    assert created["processVideoUrl"] == f"{pixop.base_url}/videos/v1/process-video/{video_id}"

    video = pixop_client.get(f"{VIDEO}/{video_id}").json()["video"]
    account = pixop_client.get("/accounts/v1/account").json()
    assert video["id"] == video_id
    assert video["name"] == "Holiday footage"
    assert video["projectId"] == project["id"]
    assert video["userId"] == account["user"]["id"]
    assert video["teamId"] == account["team"]["id"]
    assert video["upload"]["hasFinishedUploading"] is False
    assert video["ingestion"]["ingestionState"]["videoMetadataAvailable"] is False
    assert video["ingestion"]["metadata"] is None
    listed = list_all(pixop_client, **{"project-id": project["id"]})["_embedded"]["videos"]
    assert [v["id"] for v in listed] == [video_id]
    assert listed[0]["filename"] is None


def test_create_without_project_uses_one_default_project(pixop, pixop_client) -> None:
    projects_before = {
        p["id"]
        for p in pixop_client.get("/videos/v1/projects", params={"page-size": 1000}).json()["_embedded"][
            "projects"
        ]
    }
    first = create_video(pixop_client)
    second = create_video(pixop_client, name="Second")
    assert first["projectId"] == second["projectId"]
    assert first["videoId"] != second["videoId"]
    for created in (first, second):
        for key in ("uploadMediaUrl", "uploadLightMediaUrl", "processVideoUrl"):
            assert created[key].startswith(pixop.base_url + "/")
            assert created[key].endswith("/" + created["videoId"])
    default = pixop_client.get(f"/videos/v1/project/{first['projectId']}")
    assert default.status_code == 200
    projects_after = {
        p["id"]
        for p in pixop_client.get("/videos/v1/projects", params={"page-size": 1000}).json()["_embedded"][
            "projects"
        ]
    }
    assert projects_after - projects_before == {first["projectId"]}
    in_default = {
        v["id"] for v in list_all(pixop_client, **{"project-id": first["projectId"]})["_embedded"]["videos"]
    }
    assert in_default == {first["videoId"], second["videoId"]}
    assert pixop_client.get(f"{VIDEO}/{second['videoId']}").json()["video"]["name"] == "Second"


def test_default_project_is_per_team(pixop, pixop_client, make_pixop_client) -> None:
    demo = pixop.state.user_by_key("demo")
    second_team = make_pixop_client(team_id=demo["teams"][1])
    mine = create_video(pixop_client)
    theirs = create_video(second_team)
    assert mine["projectId"] != theirs["projectId"]
    assert (
        second_team.get(f"/videos/v1/project/{theirs['projectId']}").json()["project"]["teamId"]
        == demo["teams"][1]
    )


def test_create_with_unknown_or_foreign_project_is_404(pixop, pixop_client, make_pixop_client) -> None:
    before = len(pixop.state.db["videos"])
    assert_error(pixop_client.put(VIDEO, json={"projectId": "no-such-project"}), 404)
    theirs = (
        other_client(pixop, make_pixop_client)
        .put("/videos/v1/project", json={"name": "Theirs"})
        .json()["project"]
    )
    assert_error(pixop_client.put(VIDEO, json={"projectId": theirs["id"]}), 404)
    assert len(pixop.state.db["videos"]) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", None),
        (b"[]", None),
        (b"42", None),
        (b'{"name": 5}', "name"),
        (b'{"name": ""}', "name"),
        (b'{"name": {"a": 1}}', "name"),
        (b'{"projectId": 5}', "projectId"),
        (b'{"projectId": ["x"]}', "projectId"),
        (b'{"name": "ok", "description": "not on create"}', "description"),
        (b'{"parentId": "x"}', "parentId"),
    ],
)
def test_bad_create_bodies(pixop, pixop_client, body: bytes, field: str | None) -> None:
    before = len(pixop.state.db["videos"])
    response = pixop_client.put(VIDEO, data=body, headers={"Content-Type": "application/json"})
    error = assert_error(response, 400)
    if field is not None:
        assert field in error["errorMessage"]
    assert len(pixop.state.db["videos"]) == before


# -- get -------------------------------------------------------------------------------
def test_seeded_ingested_video_reports_the_real_probe(pixop, pixop_client) -> None:
    summary = seeded_small_mov(pixop_client)
    response = pixop_client.get(summary["_links"]["self"]["href"])
    assert response.status_code == 200
    video = response.json()["video"]
    info = probe_media(SMALL_MOV)
    assert (info.codec_name, info.frame_width, info.frame_height) == ("h264", 560, 320)  # the fixture itself

    assert video["id"] == summary["id"]
    assert video["projectId"] == summary["projectId"]
    assert video["parentId"] is None
    assert video["processing"] is None
    upload = video["upload"]
    assert upload["hasFinishedUploading"] is True
    assert upload["uploadState"]["uploadStatus"] == "DONE"
    assert upload["fileName"] == SMALL_MOV.name
    assert upload["fileSize"] == os.path.getsize(SMALL_MOV)
    assert upload["fileType"] == info.mime_type
    assert upload["fileContainerName"] == info.long_container_name

    state = video["ingestion"]["ingestionState"]
    assert state["ingestionStatus"] == "DONE"
    assert state["videoMetadataAvailable"] is True
    assert state["videoMetadataCommitted"] is True
    assert state["processingProgressPercent"] == 100.0

    metadata = video["ingestion"]["metadata"]
    assert metadata["codecName"] == info.codec_name
    assert metadata["frameWidth"] == info.frame_width
    assert metadata["frameHeight"] == info.frame_height
    assert metadata["containerName"] == info.container_name
    assert metadata["longContainerName"] == info.long_container_name
    assert metadata["pixelFormat"]["name"] == info.pixel_format
    assert metadata["durationInMillis"] == info.duration_ms
    assert metadata["totalFrames"] == info.total_frames
    assert metadata["size"] == info.size
    assert metadata["videoStreamSize"] == info.video_stream_size
    assert metadata["averageFramerate"] == pytest.approx(info.average_framerate, abs=1e-3)
    assert metadata["scanning"]["metadata"]["scanningType"] == (info.scanning_type or "progressive")

    quality = video["ingestion"]["qualityAssessment"]
    assert quality["metrics"]
    scores = [m["subjectiveScore"] for m in quality["metrics"]]
    assert all(0.0 <= s <= 5.0 for s in scores)
    assert quality["overallSubjectiveScore"] == pytest.approx(sum(scores) / len(scores), abs=0.01)


def test_light_ingested_video_has_no_quality_assessment(pixop, make_pixop_client) -> None:
    demo = pixop.state.user_by_key("demo")
    client = make_pixop_client(team_id=demo["teams"][1])
    listed = list_all(client)["_embedded"]["videos"]
    light = [
        v
        for v in listed
        if pixop.state.db["videos"][v["id"]]["ingest"]
        and pixop.state.db["videos"][v["id"]]["ingest"]["light"]
    ]
    assert light
    video = client.get(f"{VIDEO}/{light[0]['id']}").json()["video"]
    assert video["ingestion"]["ingestionState"]["ingestionStatus"] == "DONE"
    assert video["ingestion"]["metadata"]["frameWidth"] == probe_media(SMALL_MOV).frame_width
    assert video["ingestion"]["qualityAssessment"] is None


def test_unknown_video_is_404(pixop_client) -> None:
    assert_error(pixop_client.get(f"{VIDEO}/no-such-video"), 404)
    assert_error(pixop_client.post(f"{VIDEO}/no-such-video", json={"name": "x"}), 404)
    assert_error(pixop_client.delete(f"{VIDEO}/no-such-video"), 404)


# -- update ----------------------------------------------------------------------------
def test_update_name_description_attributes(pixop, pixop_client) -> None:
    target = seeded_small_mov(pixop_client)
    before = pixop_client.get(f"{VIDEO}/{target['id']}").json()["video"]
    pixop.clock.advance(10)
    attributes = {"director": "A. Director", "language": "da", "notes": "restored"}
    response = pixop_client.post(
        f"{VIDEO}/{target['id']}",
        json={"name": "Renamed", "description": "Restored reel", "attributes": attributes},
    )
    assert response.status_code == 200, response.text
    updated = response.json()["video"]
    assert updated["name"] == "Renamed"
    assert updated["description"] == "Restored reel"
    assert updated["attributes"] == attributes
    assert updated["timeLastUpdated"] > before["timeLastUpdated"]
    assert updated["dateCreated"] == before["dateCreated"]
    # Nothing else changed, and GET shows the same document.
    for key in ("id", "projectId", "userId", "teamId", "upload", "ingestion", "processing"):
        assert updated[key] == before[key], key
    assert pixop_client.get(f"{VIDEO}/{target['id']}").json()["video"] == updated
    listed = list_all(pixop_client, **{"project-id": target["projectId"]})["_embedded"]["videos"]
    assert next(v for v in listed if v["id"] == target["id"])["name"] == "Renamed"


def test_attributes_the_client_does_not_model_are_kept_out_of_answers(pixop, pixop_client) -> None:
    target = seeded_small_mov(pixop_client)
    attributes = {"director": "Someone", "reel": 7, "source": "archive"}
    response = pixop_client.post(f"{VIDEO}/{target['id']}", json={"attributes": attributes})
    assert response.status_code == 200, response.text
    assert response.json()["video"]["attributes"] == {"director": "Someone"}
    warnings = pixop.journal.last(path=f"{VIDEO}/{target['id']}").warnings
    assert [w["code"] for w in warnings] == ["unknown-attribute"]
    assert "reel" in warnings[0]["message"] and "source" in warnings[0]["message"]


def test_update_one_field_keeps_the_others(pixop_client) -> None:
    target = seeded_small_mov(pixop_client)
    before = pixop_client.get(f"{VIDEO}/{target['id']}").json()["video"]
    updated = pixop_client.post(f"{VIDEO}/{target['id']}", json={"description": "Only this"}).json()["video"]
    assert updated["description"] == "Only this"
    assert updated["name"] == before["name"]
    assert updated["attributes"] == before["attributes"]


@pytest.mark.parametrize("description", ["", " ", "\u000b"])
def test_an_empty_or_blank_description_is_stored_as_given(pixop_client, description: str) -> None:
    # The contract allows any string up to 10,000 characters (clearing a description): so does the emulator.
    target = seeded_small_mov(pixop_client)
    response = pixop_client.post(f"{VIDEO}/{target['id']}", json={"description": description})
    assert response.status_code == 200, response.text
    assert response.json()["video"]["description"] == description
    assert pixop_client.get(f"{VIDEO}/{target['id']}").json()["video"]["description"] == description


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", None),
        (b"", None),
        (b"{}", None),
        (b"[]", None),
        (b"null", None),
        (b'{"name": 5}', "name"),
        (b'{"name": null}', "name"),
        (b'{"name": ""}', "name"),
        (b'{"description": 5}', "description"),
        (b'{"description": ["x"]}', "description"),
        (b'{"attributes": []}', "attributes"),
        (b'{"attributes": "k=v"}', "attributes"),
        (b'{"attributes": null}', "attributes"),
        (b'{"name": "ok", "projectId": "elsewhere"}', "projectId"),
        (b'{"teamId": "x"}', "teamId"),
    ],
)
def test_bad_update_bodies(pixop_client, body: bytes, field: str | None) -> None:
    target = seeded_small_mov(pixop_client)
    before = pixop_client.get(f"{VIDEO}/{target['id']}").json()["video"]
    response = pixop_client.post(
        f"{VIDEO}/{target['id']}", data=body, headers={"Content-Type": "application/json"}
    )
    error = assert_error(response, 400)
    if field is not None:
        assert field in error["errorMessage"]
    assert pixop_client.get(f"{VIDEO}/{target['id']}").json()["video"] == before


# -- list ------------------------------------------------------------------------------
def test_list_is_the_teams_videos(pixop, pixop_client) -> None:
    team_id = pixop.credentials["team_id"]
    expected = {v["id"] for v in pixop.state.db["videos"].values() if v["teamId"] == team_id}
    body = list_all(pixop_client)
    assert body["_embedded"]["totalFound"] == len(expected)
    assert {v["id"] for v in body["_embedded"]["videos"]} == expected
    for summary in body["_embedded"]["videos"]:
        assert summary["_links"]["self"]["href"] == f"{pixop.base_url}{VIDEO}/{summary['id']}"


def test_list_filtered_by_project(pixop, pixop_client) -> None:
    projects = pixop_client.get("/videos/v1/projects", params={"page-size": 1000}).json()["_embedded"][
        "projects"
    ]
    every = list_all(pixop_client)["_embedded"]["videos"]
    assert len(projects) > 1
    for project in projects:
        body = list_all(pixop_client, **{"project-id": project["id"]})
        videos = body["_embedded"]["videos"]
        assert {v["id"] for v in videos} == {v["id"] for v in every if v["projectId"] == project["id"]}
        assert body["_embedded"]["totalFound"] == len(videos)
        assert all(v["projectId"] == project["id"] for v in videos)
    # The Java client's test program lists an unknown project and expects a 2xx list.
    unknown = pixop_client.get(VIDEOS, params={"project-id": "no-such-project"})
    assert unknown.status_code == 200
    assert unknown.json()["_embedded"] == {"totalFound": 0, "videos": []}


def test_list_filter_is_kept_in_page_links(pixop, pixop_client) -> None:
    project = project_named(pixop_client, "Archive restoration")
    expected = {
        v["id"] for v in list_all(pixop_client, **{"project-id": project["id"]})["_embedded"]["videos"]
    }
    assert len(expected) > 1
    seen: list[str] = []
    url: str | None = f"{VIDEOS}?project-id={project['id']}&page-size=1"
    while url:
        body = pixop_client.get(url).json()
        for name in ("self", "first", "last"):
            assert parse_qs(urlsplit(body["_links"][name]["href"]).query)["project-id"] == [project["id"]]
        seen += [v["id"] for v in body["_embedded"]["videos"]]
        url = body["_links"].get("next", {}).get("href")
    assert len(seen) == len(expected)
    assert set(seen) == expected


def test_list_filtered_by_parent_and_delete_cascades(pixop, pixop_client) -> None:
    source = seeded_small_mov(pixop_client)
    assert list_all(pixop_client, **{"parent-id": source["id"]})["_embedded"]["videos"] == []
    processed = pixop_client.post(f"/videos/v1/process-video/{source['id']}", json={})
    assert processed.status_code == 200, processed.text
    child_id = processed.json()["processedVideoId"]

    body = list_all(pixop_client, **{"parent-id": source["id"]})
    assert [v["id"] for v in body["_embedded"]["videos"]] == [child_id]
    assert body["_embedded"]["totalFound"] == 1
    assert body["_embedded"]["videos"][0]["parentId"] == source["id"]
    assert body["_embedded"]["videos"][0]["projectId"] == source["projectId"]
    both = list_all(pixop_client, **{"project-id": source["projectId"], "parent-id": source["id"]})
    assert [v["id"] for v in both["_embedded"]["videos"]] == [child_id]
    assert list_all(pixop_client, **{"parent-id": child_id})["_embedded"]["videos"] == []
    assert list_all(pixop_client, **{"parent-id": "no-such-video"})["_embedded"]["videos"] == []

    deleted = pixop_client.delete(f"{VIDEO}/{source['id']}")
    assert deleted.status_code == 200
    assert sorted(d["videoId"] for d in deleted.json()["deletedVideos"]) == sorted([source["id"], child_id])
    for video_id in (source["id"], child_id):
        assert_error(pixop_client.get(f"{VIDEO}/{video_id}"), 404)


@pytest.mark.parametrize(
    ("param", "value"), [("page", "x"), ("page", "-1"), ("page-size", "0"), ("page-size", "\u00b2")]
)
def test_bad_page_values(pixop_client, param: str, value: str) -> None:
    body = assert_error(pixop_client.get(VIDEOS, params={param: value}), 400)
    assert param in body["errorMessage"]


# -- delete ------------------------------------------------------------------------------
def test_delete_answers_deleted_videos_then_404(pixop, pixop_client) -> None:
    target = seeded_small_mov(pixop_client)
    total = list_all(pixop_client)["_embedded"]["totalFound"]
    response = pixop_client.delete(f"{VIDEO}/{target['id']}")
    assert response.status_code == 200
    assert response.json() == {"deletedVideos": [{"videoId": target["id"]}]}
    assert_error(pixop_client.get(f"{VIDEO}/{target['id']}"), 404)
    assert_error(pixop_client.delete(f"{VIDEO}/{target['id']}"), 404)
    assert_error(pixop_client.get(f"/media/v1/download/original/{target['id']}"), 404)
    remaining = list_all(pixop_client)
    assert remaining["_embedded"]["totalFound"] == total - 1
    assert target["id"] not in {v["id"] for v in remaining["_embedded"]["videos"]}


def test_delete_a_new_video(pixop_client) -> None:
    created = create_video(pixop_client, name="Short-lived")
    response = pixop_client.delete(f"{VIDEO}/{created['videoId']}")
    assert response.json()["deletedVideos"] == [{"videoId": created["videoId"]}]
    assert_error(pixop_client.get(f"{VIDEO}/{created['videoId']}"), 404)


# -- team isolation -------------------------------------------------------------------------
def test_another_teams_video_is_invisible(pixop, pixop_client, make_pixop_client) -> None:
    other = other_client(pixop, make_pixop_client)
    theirs = next(v for v in list_all(other)["_embedded"]["videos"] if v["filename"])
    mine = {v["id"] for v in list_all(pixop_client)["_embedded"]["videos"]}
    assert theirs["id"] not in mine
    vid = theirs["id"]

    assert_error(pixop_client.get(f"{VIDEO}/{vid}"), 404)
    assert_error(pixop_client.post(f"{VIDEO}/{vid}", json={"name": "hijacked"}), 404)
    assert_error(pixop_client.delete(f"{VIDEO}/{vid}"), 404)
    files = {"file": (SMALL_MOV.name, SMALL_MOV.read_bytes(), "video/quicktime")}
    assert_error(pixop_client.post(f"/media/v1/upload/{vid}", files=files), 404)
    assert_error(pixop_client.post(f"/media/v1/upload/light/{vid}", files=files), 404)
    assert_error(pixop_client.get(f"/media/v1/download/original/{vid}"), 404)
    assert_error(pixop_client.get(f"/media/v1/download/processed/{vid}"), 404)
    assert_error(pixop_client.post(f"/videos/v1/process-video/{vid}", json={}), 404)
    assert_error(pixop_client.get(f"/videos/v1/check-ingest-video-progress/{vid}"), 404)
    # Lists filtered by another team's ids list nothing (2xx, like an unknown id).
    assert list_all(pixop_client, **{"parent-id": vid})["_embedded"]["totalFound"] == 0
    assert list_all(pixop_client, **{"project-id": theirs["projectId"]})["_embedded"]["totalFound"] == 0

    # Untouched for its owner.
    still = other.get(f"{VIDEO}/{vid}")
    assert still.status_code == 200
    assert still.json()["video"]["name"] == theirs["name"]
    assert other.get(f"/media/v1/download/original/{vid}").content == SMALL_MOV.read_bytes()
    assert list_all(other, **{"parent-id": vid})["_embedded"]["videos"] == []


def test_the_users_second_team_cannot_see_the_first_teams_videos(
    pixop, pixop_client, make_pixop_client
) -> None:
    demo = pixop.state.user_by_key("demo")
    second = make_pixop_client(team_id=demo["teams"][1])
    target = seeded_small_mov(pixop_client)
    assert_error(second.get(f"{VIDEO}/{target['id']}"), 404)
    assert_error(second.delete(f"{VIDEO}/{target['id']}"), 404)
    assert target["id"] not in {v["id"] for v in list_all(second)["_embedded"]["videos"]}
    assert pixop_client.get(f"{VIDEO}/{target['id']}").status_code == 200


# -- unknown routes and wrong verbs --------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/videos/v1/nothing-here"),
        ("GET", "/videos/v2/projects"),
        ("GET", "/"),
        ("POST", "/accounts/v1/no-such-endpoint"),
        ("GET", "/media/v1/download/thumbnail/abc"),
    ],
)
def test_unknown_routes_are_404_in_pixops_shape(pixop_client, method: str, path: str) -> None:
    body = assert_error(pixop_client.request(method, path), 404)
    assert path in body["errorMessage"]


def test_wrong_verb_is_405_in_pixops_shape(pixop_client) -> None:
    target = seeded_small_mov(pixop_client)
    cases = [
        ("PATCH", f"{VIDEO}/{target['id']}", {"GET", "POST", "DELETE"}),
        ("PUT", f"{VIDEO}/{target['id']}", {"GET", "POST", "DELETE"}),
        ("GET", VIDEO, {"PUT"}),
        ("DELETE", "/accounts/v1/token", {"GET", "POST"}),
        ("POST", VIDEOS, {"GET"}),
    ]
    for method, path, allowed in cases:
        response = pixop_client.request(method, path)
        body = assert_error(response, 405)
        assert method in body["errorMessage"]
        advertised = {m.strip() for m in response.headers["Allow"].split(",")}
        assert allowed <= advertised, (method, path, advertised)
    # The wrong verb changed nothing.
    assert pixop_client.get(f"{VIDEO}/{target['id']}").status_code == 200
