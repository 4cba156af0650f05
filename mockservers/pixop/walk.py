"""Pixop's conformance walk for `mockservers contracts check pixop`.

Credentials: ``email`` and ``password`` (the sandbox's --info-file shape);
``media`` may name a small video file to upload (default: the project's sample).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests

from mockservers.conformance.check import Walk
from mockservers.core.paths import fixtures_dir

VIDEO = "/videos/v1/video/<video_id>"
PROJECT = "/videos/v1/project/<project_id>"


def authenticate(session: requests.Session, base_url: str, credentials: dict[str, Any]) -> requests.Response:
    """Log in with Basic auth and make the session send the token (the fuzz run reuses this)."""
    answer = session.get(base_url + "/accounts/v1/token", auth=(credentials["email"], credentials["password"]), timeout=30)
    if answer.status_code == 200:
        session.headers["Authorization"] = f"Bearer {answer.json()['jwtToken']}"
    return answer


def walk(w: Walk) -> None:
    """Token, account, projects, videos, upload, ingest, process, download, clean-up, main errors."""
    email, password = w.credentials["email"], w.credentials["password"]
    w.call("GET", "/accounts/v1/token", expect=401, why="wrong password", auth=(email, password + "-wrong"))
    answer = w.call("GET", "/accounts/v1/token", why="log in", auth=(email, password))
    if answer is None or answer.status_code != 200:
        return
    token = answer.json()["jwtToken"]
    w.session.headers["Authorization"] = f"Bearer {token}"
    w.call("POST", "/accounts/v1/token", why="validate the token", json={"token": token})
    w.call("GET", "/accounts/v1/account", why="account")
    w.call("GET", "/accounts/v1/account", expect=401, why="bad token", headers={"Authorization": "Bearer not-a-jwt"})
    projects = w.call("GET", "/videos/v1/projects", why="list projects", params={"page": "0", "page-size": "5"})
    videos = w.call("GET", "/videos/v1/videos", why="list videos", params={"page-size": "50"})
    w.call("GET", "/videos/v1/video/does-not-exist", expect=404, why="unknown video")
    _read_walk(w, _listed(projects, "projects"), _listed(videos, "videos"))
    for rule, why in (
        ("/accounts/v1/generate-auth-secret", "replaces the user's auth secret"),
        ("/accounts/v1/generate-signature-secret", "replaces the user's signature secret"),
    ):
        w.skip("GET", rule, f"not called: {why}")
    w.skip("POST", "/accounts/v1/update-password", "not called: changes the user's password")
    _write_walk(w)


def _listed(answer: requests.Response | None, name: str) -> list[dict[str, Any]]:
    """The items of a list answer (``_embedded.<name>``), or [] when it failed."""
    if answer is None or answer.status_code != 200:
        return []
    body = answer.json()
    items = (body.get("_embedded") or {}).get(name)
    return items if isinstance(items, list) else []


def _read_walk(w: Walk, projects: list[dict[str, Any]], videos: list[dict[str, Any]]) -> None:
    """Every read endpoint, on ids discovered from the lists (so --read-only reaches them too)."""
    if projects:
        w.call("GET", f"/videos/v1/project/{projects[0]['id']}", why="get a listed project")
    if not videos:
        return
    first = videos[0]["id"]
    w.call("GET", f"/videos/v1/video/{first}", why="get a listed video")
    uploaded = [v for v in videos if v.get("filename")]
    processed = [v for v in videos if v.get("parentId")]
    if uploaded:
        source = uploaded[0]["id"]
        w.call("GET", f"/videos/v1/check-ingest-video-progress/{source}", why="ingest progress of a listed video")
        w.call(
            "GET", f"/media/v1/download/original/{source}", expect=(200, 206), why="ranged download of a listed video",
            headers={"Range": "bytes=0-99"},
        )
    if processed:
        child = processed[0]["id"]
        w.call("GET", f"/videos/v1/check-process-video-progress/{child}", why="processing progress of a listed video")
        w.call(
            "GET", f"/media/v1/download/processed/{child}", expect=(200, 206, 400, 404),
            why="ranged download of a processed video", headers={"Range": "bytes=0-99"},
        )


def _write_walk(w: Walk) -> None:
    created = w.call("PUT", "/videos/v1/project", writes=True, why="create a project", json={"name": "contracts check"})
    if created is None or created.status_code != 200:
        return
    project_id = created.json()["project"]["id"]
    w.call("GET", f"/videos/v1/project/{project_id}", why="get the project")
    w.call("POST", f"/videos/v1/project/{project_id}", why="rename the project", json={"name": "contracts check (renamed)"})
    w.call("PUT", "/videos/v1/project", expect=400, writes=True, why="project without name", json={})
    video = w.call("PUT", "/videos/v1/video", writes=True, why="create a video", json={"projectId": project_id})
    if video is not None and video.status_code == 200:
        _video_walk(w, video.json())
    w.call("DELETE", f"/videos/v1/project/{project_id}", expect=(200, 204), why="delete the project")


def _video_walk(w: Walk, created: dict) -> None:
    video_id = created["videoId"]
    w.call("GET", f"/videos/v1/video/{video_id}", why="get the new video")
    w.call("POST", f"/videos/v1/video/{video_id}", why="update the video", json={"name": "check.mov"})
    media = Path(w.credentials.get("media") or fixtures_dir() / "media" / "small.mov")
    with media.open("rb") as handle:
        uploaded = w.call("POST", created["uploadLightMediaUrl"], why="upload (light)", files={"file": (media.name, handle)})
    w.skip("POST", "/media/v1/upload/<video_id>", "the walk uploads once, through the light endpoint")
    if uploaded is None or uploaded.status_code != 200:
        return
    ingest_url = uploaded.json()["checkIngestProgressUrl"]

    def ingested() -> bool:
        answer = w.call("GET", ingest_url, why="ingest progress")
        return answer is not None and answer.json().get("ingestionState", {}).get("ingestionStatus") == "DONE"

    if not w.wait_until(ingested, seconds=600, step=2):
        w.report.violation("walk", "ingest did not finish within 600 s")
        return
    w.call("GET", f"/media/v1/download/original/{video_id}", expect=206, why="ranged download", headers={"Range": "bytes=0-99"})
    w.call("POST", uploaded.json()["processVideoUrl"], expect=400, why="process with a bad scaler", json={"scaler": "nope"})
    processed = w.call(
        "POST", uploaded.json()["processVideoUrl"], why="process",
        json={"scaler": "pabsr1", "resolution": {"tag": "hd_1080p"}},
    )
    if processed is not None and processed.status_code == 200:
        progress_url = processed.json()["checkProgressUrl"]

        def done() -> bool:
            answer = w.call("GET", progress_url, why="processing progress")
            return answer is not None and answer.json().get("processingState", {}).get("processingStatus") == "DONE"

        if w.wait_until(done, seconds=1800, step=5):
            w.call("GET", processed.json()["downloadMediaUrl"], why="download processed")
    w.call("DELETE", f"/videos/v1/video/{video_id}", why="delete the video")
