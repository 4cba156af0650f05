"""Mediaflow's state machine: token expiry, uploads through the upload URL, processing on the clock, rights.

Override the ``client_*`` methods to drive your own Mediaflow client instead of the built-in
requests calls; each makes one API call (or the upload host call) and returns plain values.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, rule

from mockservers.core.paths import fixtures_dir
from mockservers.machines import EmulatorMachine
from mockservers.mediaflow.walk import token_params

SAMPLES = ("landscape-640x427.jpg", "square-320x320.png", "icon-128x128.gif", "brochure.pdf")
SAMPLE_SIZES = {"landscape-640x427.jpg": (640, 427), "square-320x320.png": (320, 320), "icon-128x128.gif": (128, 128)}
NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyzåäö0123456789-_ ", min_size=1, max_size=20).filter(lambda s: s.strip(" ."))


class MediaflowMachine(EmulatorMachine):
    """Random sequences of Mediaflow operations checked against a model of the files the run uploaded."""

    # -- client methods (override these to drive your own client) -------------------------------
    def client_login(self) -> None:
        """GET /1/oauth2/token with the demo keys; send the access token as Bearer."""
        answer = self.session.get(self.url("/1/oauth2/token"), params=token_params(self.emulator.credentials), timeout=30)
        assert answer.status_code == 200, answer.text
        self.session.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"

    def client_announce(self, folder_id: int, filename: str, filesize: int) -> tuple[int, dict[str, Any]]:
        """POST /1/file; the status and the body."""
        answer = self._call("POST", "/1/file", expect=(200, 403), json={"filename": filename, "filesize": filesize, "toFolder": folder_id})
        return answer.status_code, answer.json()

    def client_send(self, upload_url: str, content: bytes, multipart: bool) -> tuple[int, dict[str, Any]]:
        """PUT the raw bytes (or POST them as FormData) to the upload URL; the status and body."""
        if multipart:
            answer = self.session.post(upload_url, files={"file": ("blob", content)}, timeout=30)
        else:
            answer = self.session.put(upload_url, data=content, timeout=30)
        return answer.status_code, answer.json()

    def client_file(self, file_id: int) -> dict[str, Any] | None:
        """GET /1/file/{id}; the file or None ([])."""
        found = self._call("GET", f"/1/file/{file_id}", params={"fields": "any"}).json()
        return found[0] if found else None

    def client_folder_file_ids(self, folder_id: int) -> set[int]:
        """GET /1/folders/{id}/files, every page; the ids."""
        ids: set[int] = set()
        page = 1
        while True:
            batch = self._call("GET", f"/1/folders/{folder_id}/files", params={"page": page, "per_page": 100, "fields": "id"}).json()
            ids.update(f["id"] for f in batch)
            if len(batch) < 100:
                return ids
            page += 1

    def client_latest_ids(self, count: int) -> list[int]:
        """GET /1/file/latest; the ids, newest first."""
        return [f["id"] for f in self._call("GET", "/1/file/latest", params={"per_page": count, "fields": "id"}).json()]

    def check_unauthorized(self, answer: Any) -> None:
        """Mid-run, the only reason for a 401 is an access token that expired on the clock; it must say so."""
        assert "expired" in answer.json()["error"], answer.text

    # -- model and rules ----------------------------------------------------------------------------
    @initialize()
    def log_in(self) -> None:
        """Get a token; the model starts with no uploads."""
        self.client_login()
        creds = self.emulator.credentials
        self.upload_folder, self.readonly_folder = creds["upload_folder_id"], creds["readonly_folder_id"]
        self.uploaded: dict[int, dict[str, Any]] = {}
        self.pending_urls: list[tuple[str, str]] = []  # (url, sample) announced, not yet used

    @rule(sample=st.sampled_from(SAMPLES), name=NAMES)
    def announce(self, sample: str, name: str) -> None:
        """Announce an upload to the permitted folder."""
        content = (fixtures_dir() / "mediaflow" / "media" / sample).read_bytes()
        status, body = self.client_announce(self.upload_folder, f"{name.strip()}.{sample.rsplit('.', 1)[1]}", len(content))
        assert status == 200 and body["expiresIn"] == 600
        self.pending_urls.append((body["uploadURL"], sample))

    @rule(name=NAMES)
    def announce_forbidden(self, name: str) -> None:
        """A folder the demo user may only read: the seed's 403."""
        status, body = self.client_announce(self.readonly_folder, f"{name.strip()}.jpg", 10)
        assert status == 403 and body["error"] == "You don´t have permission to upload to this folder"

    @rule(multipart=st.booleans(), index=st.integers(min_value=0, max_value=5))
    def send(self, multipart: bool, index: int) -> None:
        """Upload the bytes of an announced file: fine within 600 s, refused after."""
        if not self.pending_urls:
            return
        url, sample = self.pending_urls.pop(index % len(self.pending_urls))
        content = (fixtures_dir() / "mediaflow" / "media" / sample).read_bytes()
        status, body = self.client_send(url, content, multipart)
        assert status in (200, 403), body
        if status == 200:
            self.uploaded[body["id"]] = {"sample": sample, "at": self.emulator.clock.time()}
            again, _ = self.client_send(url, content, multipart)
            assert again == 410

    @rule(seconds=st.sampled_from([1, 5, 120, 599, 601, 7200]))
    def wait(self, seconds: int) -> None:
        """Let virtual time pass (processing finishes, upload URLs and tokens expire)."""
        self.emulator.clock.advance(seconds)

    @rule()
    def check_an_upload(self) -> None:
        """An uploaded file is unprocessed until its job ran, then has the sample's real geometry."""
        if not self.uploaded:
            return
        file_id = max(self.uploaded)
        record = self.client_file(file_id)
        assert record is not None
        done = self.emulator.clock.time() >= self.uploaded[file_id]["at"] + self.emulator.context.settings["process_seconds"]
        assert record["processed"] is done
        expected = SAMPLE_SIZES.get(self.uploaded[file_id]["sample"])
        if done:
            assert (record["width"], record["height"]) == (expected or (None, None))
            assert record["hasPreview"] is (expected is not None)

    @invariant()
    def uploads_are_in_their_folder_and_newest(self) -> None:
        """Every upload is listed in the folder, and the newest upload leads /1/file/latest."""
        if not hasattr(self, "uploaded") or not self.uploaded:
            return
        assert set(self.uploaded) <= self.client_folder_file_ids(self.upload_folder)
        assert self.client_latest_ids(1) == [max(self.uploaded)]


MACHINE = MediaflowMachine
