"""Pixop's state machine: projects, videos, uploads, ingest on the clock, token expiry.

Override the ``client_*`` methods to drive your own Pixop client instead of
the built-in requests calls; each returns plain values (ids, statuses, lists).
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, consumes, initialize, invariant, precondition, rule

from mockservers.core.paths import fixtures_dir
from mockservers.machines import EmulatorMachine

NAMES = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=40).filter(str.strip)


class PixopMachine(EmulatorMachine):
    """Random sequences of Pixop operations checked against a model of projects and videos."""

    projects = Bundle("projects")
    videos = Bundle("videos")

    # -- client methods (override these to drive your own client) -------------------------------
    def client_login(self) -> None:
        """GET /accounts/v1/token with Basic auth; keep the token for later calls."""
        creds = self.emulator.credentials
        answer = self.session.get(self.url("/accounts/v1/token"), auth=(creds["email"], creds["password"]), timeout=30)
        assert answer.status_code == 200, answer.text
        self.session.headers["Authorization"] = f"Bearer {answer.json()['jwtToken']}"

    def client_list_project_ids(self) -> set[str]:
        """Every project id, following the pages."""
        found: set[str] = set()
        page = 0
        while True:
            body = self._call("GET", "/videos/v1/projects", params={"page": page, "page-size": 100}).json()
            found.update(p["id"] for p in body["_embedded"]["projects"])
            if "next" not in body["_links"]:
                return found
            page += 1

    def client_create_project(self, name: str) -> str:
        """PUT /videos/v1/project; the new id."""
        return self._call("PUT", "/videos/v1/project", json={"name": name}).json()["project"]["id"]

    def client_rename_project(self, project_id: str, name: str) -> str:
        """POST /videos/v1/project/{id}; the name it now has."""
        return self._call("POST", f"/videos/v1/project/{project_id}", json={"name": name}).json()["project"]["name"]

    def client_delete_project(self, project_id: str) -> int:
        """DELETE /videos/v1/project/{id}; the status (a project with videos is refused)."""
        return self._call("DELETE", f"/videos/v1/project/{project_id}", expect=(200, 204, 409)).status_code

    def client_create_video(self, project_id: str) -> str:
        """PUT /videos/v1/video; the new id."""
        return self._call("PUT", "/videos/v1/video", json={"projectId": project_id}).json()["videoId"]

    def client_delete_video(self, video_id: str) -> None:
        """DELETE /videos/v1/video/{id}."""
        self._call("DELETE", f"/videos/v1/video/{video_id}")

    def client_upload(self, video_id: str) -> None:
        """POST /media/v1/upload/light/{id} with the sample video."""
        media = fixtures_dir() / "media" / "small.mov"
        with media.open("rb") as handle:
            self._call("POST", f"/media/v1/upload/light/{video_id}", files={"file": (media.name, handle)})

    def client_ingest_status(self, video_id: str) -> str:
        """GET /videos/v1/check-ingest-video-progress/{id}; the ingestion status."""
        body = self._call("GET", f"/videos/v1/check-ingest-video-progress/{video_id}").json()
        return body["ingestionState"]["ingestionStatus"]

    # -- model and rules ----------------------------------------------------------------------------
    @initialize()
    def log_in(self) -> None:
        """Log in and take the seeded projects into the model."""
        self.client_login()
        self.model_projects: dict[str, str | None] = {pid: None for pid in self.client_list_project_ids()}
        self.model_videos: dict[str, dict[str, Any]] = {}
        self.ingest_seconds = float(self.emulator.context.settings["ingest_seconds"])

    @rule(target=projects, name=NAMES)
    def create_project(self, name: str) -> str:
        """A new project appears in the listing."""
        project_id = self.client_create_project(name)
        assert project_id not in self.model_projects
        self.model_projects[project_id] = name
        return project_id

    @rule(project_id=projects, name=NAMES)
    def rename_project(self, project_id: str, name: str) -> None:
        """A rename sticks (unless the project is gone)."""
        if project_id in self.model_projects:
            assert self.client_rename_project(project_id, name) == name
            self.model_projects[project_id] = name

    @rule(project_id=consumes(projects))
    def delete_project(self, project_id: str) -> None:
        """An empty project can be deleted; one with videos is refused with 409."""
        if project_id not in self.model_projects:
            return
        has_videos = any(v["project"] == project_id for v in self.model_videos.values())
        status = self.client_delete_project(project_id)
        if has_videos:
            assert status == 409
        else:
            assert status in (200, 204)
            del self.model_projects[project_id]

    @rule(target=videos, project_id=projects)
    def create_video(self, project_id: str) -> str:
        """A video in an existing project."""
        if project_id not in self.model_projects:
            return "gone"
        video_id = self.client_create_video(project_id)
        self.model_videos[video_id] = {"project": project_id, "uploaded_at": None}
        return video_id

    @rule(video_id=videos)
    def upload(self, video_id: str) -> None:
        """Upload once; ingest starts on the clock."""
        video = self.model_videos.get(video_id)
        if video is None or video["uploaded_at"] is not None:
            return
        self.client_upload(video_id)
        video["uploaded_at"] = self.emulator.clock.time()

    @rule(video_id=consumes(videos))
    def delete_video(self, video_id: str) -> None:
        """Deleting a video frees its project for deletion."""
        if video_id in self.model_videos:
            self.client_delete_video(video_id)
            del self.model_videos[video_id]

    @rule(seconds=st.sampled_from([0.5, 1, 2, 5]))
    def advance_clock(self, seconds: float) -> None:
        """Virtual time passes."""
        self.emulator.clock.advance(seconds)

    @rule()
    def let_the_token_expire(self) -> None:
        """Tokens live 15 virtual minutes; the next call must log in again."""
        self.emulator.clock.advance(16 * 60)

    @precondition(lambda self: any(v["uploaded_at"] is not None for v in self.model_videos.values()))
    @rule(data=st.data())
    def ingest_follows_the_clock(self, data: st.DataObject) -> None:
        """DONE exactly when ingest_seconds have passed since the upload."""
        uploaded = sorted(vid for vid, v in self.model_videos.items() if v["uploaded_at"] is not None)
        video_id = data.draw(st.sampled_from(uploaded))
        elapsed = self.emulator.clock.time() - self.model_videos[video_id]["uploaded_at"]
        status = self.client_ingest_status(video_id)
        assert (status == "DONE") == (elapsed >= self.ingest_seconds), (status, elapsed)

    @invariant()
    def listing_matches_the_model(self) -> None:
        """The API lists exactly the projects the model holds."""
        if hasattr(self, "model_projects"):
            assert self.client_list_project_ids() == set(self.model_projects)


MACHINE = PixopMachine
