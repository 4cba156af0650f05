"""Blue Billywig's conformance walk for `mockservers contracts check bluebillywig`.

Credentials: ``shared_secret`` (``{keyId}-{secret}``, the sandbox's --info-file
shape); ``media`` may name a small video to upload (default: the project's sample).
"""

from __future__ import annotations

import base64
import time
from pathlib import Path
from typing import Any

import requests

from mockservers.conformance.check import Walk
from mockservers.core.auth.hotp import hotp_hex, window_counter
from mockservers.core.paths import fixtures_dir

CLIP = "/sapi/mediaclip/<clip_id>"


def rpctoken(shared_secret: str, now: float | None = None) -> str:
    """The rpctoken header value for ``{keyId}-{secret}`` at ``now`` (default: this machine's clock)."""
    key_id, _, secret = shared_secret.partition("-")
    return f"{key_id}-{hotp_hex(secret, window_counter(time.time() if now is None else now, 120))}"


def authenticate(session: requests.Session, base_url: str, credentials: dict[str, Any]) -> requests.Response:
    """Trade an rpctoken for a JWT and make the session send it as Bearer (the fuzz run reuses this)."""
    answer = session.get(base_url + "/sapi/auth/token", headers={"rpctoken": rpctoken(credentials["shared_secret"])}, timeout=30)
    if answer.status_code == 200:
        session.headers["Authorization"] = f"Bearer {answer.json()['token']}"
    return answer


def walk(w: Walk) -> None:
    """Auth, lists, search, one clip's life (create, update, publish, versions, upload, delete), errors."""
    secret = w.credentials["shared_secret"]
    w.call("GET", "/sapi/mediaclip", expect=401, why="no credentials")
    w.call("GET", "/sapi/mediaclip", expect=401, why="malformed rpctoken", headers={"rpctoken": "nonsense"})
    answer = w.call("GET", "/sapi/auth/token", why="JWT for the key", headers={"rpctoken": rpctoken(secret)})
    if answer is None or answer.status_code != 200:
        return
    w.session.headers["Authorization"] = f"Bearer {answer.json()['token']}"
    listed = w.call("GET", "/sapi/mediaclip", why="newest first", params={"limit": "5"})
    w.call("GET", "/sapi/mediaclip", why="query, sort, filter", params={"q": "*:*", "sort": "title asc", "status": "published"})
    w.call("GET", "/sapi/mediaclip", expect=400, why="limit past Solr's int range", params={"limit": "2147483648"})
    w.call("GET", "/papi/search", why="search", params={"q": "NOT usetype:commercial", "className[]": "MediaClip", "limit": "3"})
    w.call("GET", "/sapi/mediaclip/0000", expect=404, why="unknown clip")
    if listed is not None and listed.status_code == 200 and listed.json().get("items"):
        first = listed.json()["items"][0]
        w.call("GET", f"/sapi/mediaclip/{first['id']}", why="get a listed clip")
        w.call("GET", f"/sapi/mediaclip/{first['id']}/versions", why="its versions")
        if first.get("assets"):
            w.call("GET", f"/sapi/mediaasset/{first['assets'][0]['id']}", why="one of its assets")
            w.call("GET", first["assets"][0]["src"], why="a rendition file")
        if first.get("thumbnails"):
            w.call("GET", f"/image/160/90{first['thumbnails'][0]['src']}", why="a thumbnail, resized")
            w.call("GET", f"/mediaclip/{first['id']}/spthumbnail/160/90", why="its poster")
    w.call("GET", "/sapi/publication", why="publication (getSourcePath)")
    w.call("GET", "/sapi/playlist", why="playlists")
    _write_walk(w)
    _entity_walk(w)


def _entity_walk(w: Walk) -> None:
    created = w.call("PUT", "/sapi/playlist", writes=True, why="create a playlist", json={"title": "contracts check"})
    if created is None or created.status_code != 200:
        return
    playlist_id = created.json()["id"]
    w.call("GET", f"/sapi/playlist/{playlist_id}", why="get it")
    w.call("POST", f"/sapi/playlist/{playlist_id}", writes=True, why="update it (vmsrpc POST)", json={"title": "renamed"})
    w.call("DELETE", f"/sapi/playlist/{playlist_id}", writes=True, why="delete it")


def _write_walk(w: Walk) -> None:
    created = w.call("POST", "/sapi/mediaclip/new", writes=True, why="create (SDK)", json={"title": "contracts check"})
    if created is None or created.status_code != 200:
        return
    clip_id = created.json()["id"]
    w.call("PUT", "/sapi/mediaclip", writes=True, why="update by body id", json={"id": clip_id, "description": "walk"})
    w.call("PUT", f"/sapi/mediaclip/{clip_id}", writes=True, why="update", json={"title": "contracts check 2"})
    w.call("PUT", f"/sapi/mediaclip/{clip_id}", expect=400, writes=True, why="type is MediaClip", json={"type": "Channel"})
    w.call("PUT", f"/sapi/mediaclip/{clip_id}/publish", writes=True, why="publish")
    w.call("PUT", f"/sapi/mediaclip/{clip_id}/unpublish", writes=True, why="unpublish")
    asset = w.call("PUT", "/sapi/mediaasset", writes=True, why="add an asset",
                   json={"mediaclipid": clip_id, "mediatype": "MP4_MAIN", "src": "/walk/a.mp4", "width": 640, "height": 360})
    if asset is not None and asset.status_code == 200:
        w.call("PUT", f"/sapi/mediaasset/{asset.json()['id']}", writes=True, why="update the asset", json={"status": "inactive"})
    _upload(w, clip_id)
    w.call("DELETE", f"{CLIP.replace('<clip_id>', clip_id)}", writes=True, why="purge", params={"purge": "true"})
    w.skip("PUT", "/sapi/mediaclip/0/completeUpload", "not called: the PHP/Node flow needs a >5 MiB file for parts")
    w.skip("PUT", "/sapi/mediaclip/0/abortUpload", "not called: the PHP/Node flow needs a >5 MiB file for parts")
    w.skip("DELETE", "/sapi/mediaclip", "not called: deleting by sourceid needs a clip with one")
    w.skip("DELETE", "/sapi/tus/<upload_id>", "not called: the upload is completed instead")


def _upload(w: Walk, clip_id: str) -> None:
    media = Path(w.credentials.get("media") or fixtures_dir() / "media" / "small.mov")
    data = media.read_bytes()

    def b64(text: str) -> str:
        return base64.b64encode(text.encode()).decode()

    headers = {"Tus-Resumable": "1.0.0", "Upload-Length": str(len(data)),
               "Upload-Metadata": f"filename {b64(media.name)},mediaclipId {b64(clip_id)}"}
    started = w.call("POST", "/sapi/tus", expect=201, writes=True, why="TUS upload", headers=headers)
    if started is None or started.status_code != 201:
        return
    s3 = started.json()["s3"]
    parts = []
    for entry in s3["presignedUrls"]:
        start = (entry["partNumber"] - 1) * s3["partSize"]
        answer = requests.put(entry["url"], data=data[start : start + s3["partSize"]], timeout=w.timeout)
        parts.append({"PartNumber": entry["partNumber"], "ETag": answer.headers.get("ETag", "")})
    w.call("POST", f"/sapi/tus/{started.json()['tusUploadId']}/complete", writes=True, why="complete", json=parts)
    single = w.call("GET", "/sapi/mediaclip/0/upload", writes=True, why="PHP/Node upload start",
                    params={"filename": media.name, "filesize": str(len(data)), "clipid": clip_id})
    if single is not None and single.status_code == 200:
        requests.put(single.json()["presignedUrls"][0]["presignedUrl"], data=data, timeout=w.timeout)

    def finished() -> bool:
        answer = w.session.get(w.url(f"/sapi/mediaclip/{clip_id}"), timeout=w.timeout)
        return answer.status_code == 200 and answer.json().get("transcodingFinished") is True

    w.wait_until(finished, seconds=60, step=2.0)
    w.call("GET", f"/sapi/mediaclip/{clip_id}", why="after transcoding")
