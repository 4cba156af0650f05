"""Answers parse with the official Java client's models: the strict parser itself, and what it found."""

from __future__ import annotations

import pytest
from pixop_strict import UnrecognizedProperty, check_journal, parse


def test_the_strict_parser_refuses_what_jackson_refuses() -> None:
    with pytest.raises(UnrecognizedProperty, match="/_links/previous"):
        parse("ListProjectsResponse", {"pageSize": 1, "page": 0, "_links": {"previous": {"href": "x"}}})
    with pytest.raises(UnrecognizedProperty, match="/ingestionState/failureReason"):
        parse("IngestVideoCheckProgressResponse", {"ingestionState": {"failureReason": "x"}})
    with pytest.raises(UnrecognizedProperty, match="bitrate"):
        parse("VideoResponse", {"video": {"ingestion": {"metadata": {"bitrate": 1}}}})
    with pytest.raises(UnrecognizedProperty, match="frameRate"):
        parse("VideoResponse", {"video": {"processing": {"processingParameters": {"targetVideo": {"frameRate": 25}}}}})
    with pytest.raises(UnrecognizedProperty, match="otherTeams"):
        parse("AuthenticatedIdentity", {"otherTeams": []})
    # The summaries ignore unknown properties, as the client's @JsonIgnoreProperties says.
    parse("ListVideosResponse", {"_embedded": {"totalFound": 1, "videos": [{"id": "v", "teamId": "t"}]}})


def test_every_answer_of_a_session_parses(pixop, pixop_client) -> None:
    """A walk over the read endpoints; the autouse fixture parses again at teardown."""
    user = pixop.state.user_by_key("demo")
    pixop_client.post("/accounts/v1/token")
    pixop_client.get("/accounts/v1/account")
    pixop_client.get("/accounts/v1/token", params={"team-id": user["teams"][1]})
    projects = pixop_client.get("/videos/v1/projects", params={"page": 1, "page-size": 1}).json()
    assert "prev" in projects["_links"] and "previous" not in projects["_links"]
    videos = pixop_client.get("/videos/v1/videos", params={"page-size": 100}).json()["_embedded"]["videos"]
    for video in videos:
        pixop_client.get(f"/videos/v1/video/{video['id']}")
        pixop_client.get(f"/videos/v1/check-ingest-video-progress/{video['id']}")
    assert check_journal(pixop) >= 5 + 2 * len(videos)


def test_projects_carry_is_sample(pixop, pixop_client) -> None:
    created = pixop_client.put("/videos/v1/project", json={"name": "Mine"}).json()["project"]
    assert created["isSample"] is False
    listed = pixop_client.get("/videos/v1/projects").json()["_embedded"]["projects"]
    assert all(isinstance(p["isSample"], bool) for p in listed)
    partner = pixop.state.user_by_key("demo")["teams"][1]
    samples = [p for p in pixop.state.db["projects"].values() if p["teamId"] == partner and p.get("sample")]
    assert len(samples) == 1
    assert pixop_client.get(f"/videos/v1/project/{samples[0]['id']}").status_code == 404  # another team's
    pixop_client.login(team_id=partner)
    assert pixop_client.get(f"/videos/v1/project/{samples[0]['id']}").json()["project"]["isSample"] is True


def test_quality_assessment_has_the_clients_three_metrics(pixop, pixop_client) -> None:
    videos = pixop_client.get("/videos/v1/videos", params={"page-size": 100}).json()["_embedded"]["videos"]
    found = 0
    for summary in videos:
        quality = pixop_client.get(f"/videos/v1/video/{summary['id']}").json()["video"]["ingestion"]["qualityAssessment"]
        if quality:
            found += 1
            assert [m["name"] for m in quality["metrics"]] == ["noise", "details", "colors"]
            assert 1.0 <= quality["overallSubjectiveScore"] <= 5.0
    assert found > 0


def test_ingestion_percent_is_an_integer(pixop, pixop_client) -> None:
    pixop.clock.freeze()
    created = pixop_client.put("/videos/v1/video", json={}).json()
    with open(pixop_client.emulator.state.ctx.blobs.get("fixture:small.mov").path, "rb") as handle:
        pixop_client.post(created["uploadLightMediaUrl"], files={"file": ("small.mov", handle)})
    pixop.clock.advance(pixop.context.settings["ingest_seconds"] * 0.55)
    state = pixop_client.get(f"/videos/v1/check-ingest-video-progress/{created['videoId']}").json()["ingestionState"]
    assert state["ingestionStatus"] == "IN_PROGRESS"
    assert isinstance(state["processingProgressPercent"], int) and 0 < state["processingProgressPercent"] < 100
