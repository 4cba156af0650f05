"""Blue Billywig's state machine: clips, publish, soft delete and purge, TUS uploads, transcoding, JWT expiry.

Override the ``client_*`` methods to drive your own SAPI client instead of the
built-in requests calls; each returns plain values (ids, statuses, dicts).
"""

from __future__ import annotations

import base64
from typing import Any

import requests
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, consumes, initialize, invariant, precondition, rule

from mockservers.bluebillywig.walk import rpctoken
from mockservers.core.paths import fixtures_dir
from mockservers.machines import EmulatorMachine

TITLES = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=40).filter(str.strip)
SMALL_MOV = fixtures_dir() / "media" / "small.mov"


class BlueBillywigMachine(EmulatorMachine):
    """Random sequences of SAPI operations checked against a model of the clips this run created."""

    clips = Bundle("clips")

    # -- client methods (override these to drive your own client) -------------------------------
    def client_login(self) -> None:
        """GET /sapi/auth/token with an rpctoken for the virtual now; keep the JWT."""
        token = rpctoken(self.emulator.credentials["shared_secret"], self.emulator.clock.time())
        answer = self.session.get(self.url("/sapi/auth/token"), headers={"rpctoken": token}, timeout=30)
        assert answer.status_code == 200, answer.text
        self.session.headers["Authorization"] = f"Bearer {answer.json()['token']}"

    def client_create(self, title: str, sourceid: str) -> dict[str, Any]:
        """POST /sapi/mediaclip/new; the clip."""
        return self._call("POST", "/sapi/mediaclip/new", json={"title": title, "sourceid": sourceid}).json()

    def client_update_title(self, clip_id: str, title: str) -> str:
        """PUT /sapi/mediaclip/{id}; the title it now has."""
        return self._call("PUT", f"/sapi/mediaclip/{clip_id}", json={"title": title}).json()["title"]

    def client_publish(self, clip_id: str, publish: bool) -> dict[str, Any]:
        """PUT /sapi/mediaclip/{id}/publish or /unpublish; the clip."""
        return self._call("PUT", f"/sapi/mediaclip/{clip_id}/{'publish' if publish else 'unpublish'}").json()

    def client_delete(self, clip_id: str, purge: bool) -> None:
        """DELETE /sapi/mediaclip/{id}[?purge=true]."""
        self._call("DELETE", f"/sapi/mediaclip/{clip_id}", params={"purge": "true"} if purge else None)

    def client_get(self, clip_id: str) -> dict[str, Any]:
        """GET /sapi/mediaclip/{id}."""
        return self._call("GET", f"/sapi/mediaclip/{clip_id}").json()

    def client_upload(self, clip_id: str) -> None:
        """TUS: POST /sapi/tus, PUT the parts to S3, POST /sapi/tus/{id}/complete."""
        data = SMALL_MOV.read_bytes()
        meta = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in (("filename", SMALL_MOV.name), ("mediaclipId", clip_id)))
        headers = {"Tus-Resumable": "1.0.0", "Upload-Length": str(len(data)), "Upload-Metadata": meta}
        body = self._call("POST", "/sapi/tus", expect=(201,), headers=headers).json()
        parts = []
        for entry in body["s3"]["presignedUrls"]:
            start = (entry["partNumber"] - 1) * body["s3"]["partSize"]
            answer = requests.put(entry["url"], data=data[start : start + body["s3"]["partSize"]], timeout=30)
            assert answer.status_code == 200, answer.text
            parts.append({"PartNumber": entry["partNumber"], "ETag": answer.headers["ETag"]})
        self._call("POST", f"/sapi/tus/{body['tusUploadId']}/complete", json=parts)

    def client_list_ids(self) -> dict[str, str]:
        """Every clip this run made (sourceid machine-*), id -> status, deleted ones excluded."""
        body = self._call("GET", "/sapi/mediaclip", params={"q": "sourceid:machine-*", "limit": 1000}).json()
        return {c["id"]: c["status"] for c in body["items"]}

    # -- model and rules ----------------------------------------------------------------------------
    @initialize()
    def log_in(self) -> None:
        """Log in; the model starts empty (seeded clips have no machine-* sourceid)."""
        self.client_login()
        self.model: dict[str, dict[str, Any]] = {}
        self.counter = 0
        self.transcode_seconds = float(self.emulator.context.settings["transcode_seconds"])

    @rule(target=clips, title=TITLES)
    def create(self, title: str) -> str:
        """A new draft clip, never published."""
        self.counter += 1
        clip = self.client_create(title, f"machine-{self.counter}")
        assert clip["status"] == "draft" and clip["publisheddate"] is None
        self.model[clip["id"]] = {"status": "draft", "published": None, "uploaded_at": None}
        return clip["id"]

    @rule(clip_id=clips, title=TITLES)
    def rename(self, clip_id: str, title: str) -> None:
        """A new title sticks."""
        if clip_id in self.model:
            assert self.client_update_title(clip_id, title) == title

    @rule(clip_id=clips, publish=st.booleans())
    def publish(self, clip_id: str, publish: bool) -> None:
        """publisheddate is set the first time and never changes after."""
        model = self.model.get(clip_id)
        if model is None:
            return
        clip = self.client_publish(clip_id, publish)
        assert clip["status"] == ("published" if publish else "draft")
        if model["published"] is None and publish:
            model["published"] = clip["publisheddate"]
        assert clip["publisheddate"] == model["published"]
        model["status"] = clip["status"]

    @rule(clip_id=consumes(clips), purge=st.booleans())
    def delete(self, clip_id: str, purge: bool) -> None:
        """Soft-deleted clips leave the listing; purged ones are gone."""
        if clip_id in self.model:
            self.client_delete(clip_id, purge)
            del self.model[clip_id]

    @rule(clip_id=clips)
    def upload(self, clip_id: str) -> None:
        """Upload the sample video once; transcoding starts on the clock."""
        model = self.model.get(clip_id)
        if model is None or model["uploaded_at"] is not None:
            return
        self.client_upload(clip_id)
        model["uploaded_at"] = self.emulator.clock.time()

    @rule(seconds=st.sampled_from([1, 2, 5]))
    def advance_clock(self, seconds: float) -> None:
        """Virtual time passes."""
        self.emulator.clock.advance(seconds)

    @rule()
    def let_the_jwt_expire(self) -> None:
        """JWTs live one virtual hour; the next call must get a new one."""
        self.emulator.clock.advance(3601)

    @precondition(lambda self: any(m["uploaded_at"] is not None for m in getattr(self, "model", {}).values()))
    @rule(data=st.data())
    def transcoding_follows_the_clock(self, data: st.DataObject) -> None:
        """transcodingFinished exactly when transcode_seconds have passed since the upload."""
        uploaded = sorted(cid for cid, m in self.model.items() if m["uploaded_at"] is not None)
        clip_id = data.draw(st.sampled_from(uploaded))
        elapsed = self.emulator.clock.time() - self.model[clip_id]["uploaded_at"]
        clip = self.client_get(clip_id)
        done = elapsed >= self.transcode_seconds
        assert clip["transcodingFinished"] is done and (clip["hasJobs"] == "false") is done, (clip["hasJobs"], elapsed)
        assert bool(clip["assets"]) is done

    @invariant()
    def listing_matches_the_model(self) -> None:
        """The API lists exactly the model's clips, with their statuses."""
        if hasattr(self, "model"):
            assert self.client_list_ids() == {cid: m["status"] for cid, m in self.model.items()}


MACHINE = BlueBillywigMachine
