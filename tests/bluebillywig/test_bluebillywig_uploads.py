"""Uploads through the real S3 endpoint: TUS (Python SDK) and the PHP/Node flow, ingest and transcoding."""

from __future__ import annotations

import base64
import os

import requests
from bluebillywig_helpers import NOT_MEDIA, SMALL_MOV, TONE_WAV, assert_error, create_clip

from mockservers.core.media import probe_media


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def tus_start(bb, path, clip_id: str | None = None, length: int | None = None):
    metadata = [f"filename {b64(os.path.basename(path))}", f"filetype {b64('video/quicktime')}"]
    if clip_id:
        metadata.append(f"mediaclipId {b64(clip_id)}")
    headers = {"Tus-Resumable": "1.0.0", "Upload-Length": str(length or os.path.getsize(path)), "Upload-Metadata": ",".join(metadata)}
    return bb.post("/sapi/tus", headers=headers)


def put_parts(s3info: dict, data: bytes) -> list[dict]:
    parts = []
    for entry in s3info["presignedUrls"]:
        start = (entry["partNumber"] - 1) * s3info["partSize"]
        response = requests.put(entry["url"], data=data[start : start + s3info["partSize"]], timeout=30)
        assert response.status_code == 200, response.text
        parts.append({"PartNumber": entry["partNumber"], "ETag": response.headers["ETag"]})
    return parts


def test_tus_upload_probes_transcodes_and_adds_renditions(bluebillywig, bb) -> None:
    bluebillywig.clock.freeze()
    clip = create_clip(bb, title="Upload target", sourceid="up-1")
    started = tus_start(bb, SMALL_MOV, clip["id"])
    assert started.status_code == 201, started.text
    body = started.json()
    assert body["s3"]["presignedUrls"][0]["url"].startswith(bluebillywig.credentials["s3_endpoint_url"])
    parts = put_parts(body["s3"], SMALL_MOV.read_bytes())
    done = bb.post(f"/sapi/tus/{body['tusUploadId']}/complete", json={"parts": parts})
    assert done.status_code == 200, done.text
    assert done.json()["mediaclipId"] == clip["id"]
    info = probe_media(SMALL_MOV)
    running = bb.get(f"/sapi/mediaclip/{clip['id']}").json()
    assert running["hasJobs"] == "true" and running["transcodingFinished"] is False and running["assets"] == []
    assert running["originalfilename"] == "small.mov" and running["length"] == round(info.duration_ms / 1000)
    assert (running["originalWidth"], running["originalHeight"]) == (info.frame_width, info.frame_height)
    assert running["jobs"][0]["status"] == "running"
    bluebillywig.clock.advance(5)
    finished = bb.get(f"/sapi/mediaclip/{clip['id']}").json()
    assert finished["hasJobs"] == "false" and finished["transcodingFinished"] is True
    assert finished["assets"] and all(a["mediatype"].startswith("MP4") for a in finished["assets"])
    assert int(finished["assets"][0]["height"]) <= info.frame_height
    assert finished["assets"][0]["exactlength"] == str(info.duration_ms)
    assert len(finished["thumbnails"]) == 2 and finished["thumbnails"][0]["main"] is True
    assert finished["src"].endswith(f"{clip['id']}.mp4")
    # sourceid is read-only after the initial ingest: another value is ignored, with a warning.
    assert bb.put(f"/sapi/mediaclip/{clip['id']}", json={"sourceid": "changed"}).json()["sourceid"] == "up-1"
    assert "initial ingest" in bluebillywig.journal.last().warnings[0]["message"]
    asset = bb.get(f"/sapi/mediaasset/{finished['assets'][0]['id']}").json()
    assert asset["mediaclipid"] == clip["id"]
    assert bluebillywig.state.ctx.s3.head(bluebillywig.credentials["s3_bucket"], body["s3"]["key"])["ContentLength"] == SMALL_MOV.stat().st_size


def test_tus_audio_upload_without_clip_creates_one(bluebillywig, bb) -> None:
    body = tus_start(bb, TONE_WAV).json()
    done = bb.post(f"/sapi/tus/{body['tusUploadId']}/complete", json=put_parts(body["s3"], TONE_WAV.read_bytes()))
    assert done.status_code == 200, done.text
    bluebillywig.clock.advance(10)
    clip = bb.get(f"/sapi/mediaclip/{done.json()['mediaclipId']}").json()
    assert clip["mediatype"] == "audio" and clip["title"] == "tone" and clip["thumbnails"] == []
    assert [a["mediatype"] for a in clip["assets"]] == ["MP3_MAIN"]


def test_missing_or_wrong_parts_are_refused_and_the_clip_is_unchanged(bb) -> None:
    clip = create_clip(bb)
    body = tus_start(bb, SMALL_MOV, clip["id"]).json()
    complete = f"/sapi/tus/{body['tusUploadId']}/complete"
    assert_error(bb.post(complete, json=[{"PartNumber": 1, "ETag": "abc"}]), 400, "part 1 was never uploaded")
    parts = put_parts(body["s3"], SMALL_MOV.read_bytes())
    assert_error(bb.post(complete, json=[{"PartNumber": 1, "ETag": "0" * 32}]), 400, "ETag of part 1")
    assert_error(bb.post(complete, json=parts + [{"PartNumber": 2, "ETag": "x"}]), 400, "part(s) 2")
    assert_error(bb.post(complete, json=[]), 400, "non-empty list")
    assert_error(bb.post(complete, json=[{"PartNumber": "one", "ETag": "x"}]), 400, "PartNumber")
    assert bb.get(f"/sapi/mediaclip/{clip['id']}").json() == clip
    # The right parts still complete it afterwards (the SDK strips the ETag quotes).
    stripped = [{"PartNumber": p["PartNumber"], "ETag": p["ETag"].strip('"')} for p in parts]
    assert bb.post(complete, json=stripped).status_code == 200
    assert_error(bb.post(complete, json=stripped), 409, "already completed")


def test_wrong_size_is_refused(bb) -> None:
    clip = create_clip(bb)
    body = tus_start(bb, SMALL_MOV, clip["id"], length=SMALL_MOV.stat().st_size + 10).json()
    parts = put_parts(body["s3"], SMALL_MOV.read_bytes())
    assert_error(bb.post(f"/sapi/tus/{body['tusUploadId']}/complete", json=parts), 400, "announced")
    assert bb.get(f"/sapi/mediaclip/{clip['id']}").json() == clip


def test_not_media_is_422_and_the_clip_is_unchanged(bb) -> None:
    clip = create_clip(bb)
    body = tus_start(bb, NOT_MEDIA, clip["id"]).json()
    done = bb.post(f"/sapi/tus/{body['tusUploadId']}/complete", json=put_parts(body["s3"], NOT_MEDIA.read_bytes()))
    assert_error(done, 422, "not audio or video")
    assert bb.get(f"/sapi/mediaclip/{clip['id']}").json() == clip


def test_tus_create_validation(bb) -> None:
    ok = {"Tus-Resumable": "1.0.0", "Upload-Length": "10", "Upload-Metadata": f"filename {b64('a.mp4')}"}
    assert_error(bb.post("/sapi/tus", headers={**ok, "Tus-Resumable": "0.2"}), 412, "1.0.0")
    assert_error(bb.post("/sapi/tus", headers={**ok, "Upload-Length": "-3"}), 400, "Upload-Length")
    assert_error(bb.post("/sapi/tus", headers={**ok, "Upload-Length": str(10**12)}), 413)
    assert_error(bb.post("/sapi/tus", headers={**ok, "Upload-Metadata": "filename !!!"}), 400, "base64")
    assert_error(bb.post("/sapi/tus", headers={**ok, "Upload-Metadata": f"filetype {b64('video/mp4')}"}), 400, "filename")
    meta = f"filename {b64('a.mp4')},mediaclipId {b64('1')}"
    assert_error(bb.post("/sapi/tus", headers={**ok, "Upload-Metadata": meta}), 404, "mediaclip 1")
    assert_error(bb.post("/sapi/tus/nope/complete", json=[]), 404, "TUS upload nope")


def test_tus_abort(bb) -> None:
    body = tus_start(bb, SMALL_MOV).json()
    assert bb.delete(f"/sapi/tus/{body['tusUploadId']}").status_code == 204
    assert_error(bb.post(f"/sapi/tus/{body['tusUploadId']}/complete", json=[{"PartNumber": 1, "ETag": "x"}]), 409, "aborted")


def test_php_flow_single_chunk_is_noticed_in_s3(bluebillywig, bb) -> None:
    clip = create_clip(bb)
    params = {"filename": "small.mov", "filesize": SMALL_MOV.stat().st_size, "contenttype": "video/quicktime", "clipid": clip["id"]}
    body = bb.get("/sapi/mediaclip/0/upload", params=params).json()
    assert body["chunks"] == 1 and body["presignedUrls"][0]["chunkSize"] == SMALL_MOV.stat().st_size
    assert requests.put(body["presignedUrls"][0]["presignedUrl"], data=SMALL_MOV.read_bytes(), timeout=30).status_code == 200
    # Reads do not look into S3; the scheduled check does, on the virtual clock.
    assert bb.get(f"/sapi/mediaclip/{clip['id']}").json()["originalfilename"] == ""
    bluebillywig.clock.advance(2)
    seen = bb.get(f"/sapi/mediaclip/{clip['id']}").json()
    assert seen["originalfilename"] == "small.mov" and seen["hasJobs"] == "true"
    bluebillywig.clock.advance(6)
    assert bb.get(f"/sapi/mediaclip/{clip['id']}").json()["transcodingFinished"] is True


def test_php_flow_multipart_complete_and_abort(bb) -> None:
    clip = create_clip(bb)
    data = NOT_MEDIA.read_bytes() * (6 * 1024 * 1024 // max(1, len(NOT_MEDIA.read_bytes())) + 1)
    params = {"filename": "big.bin", "filesize": len(data), "clipid": clip["id"]}
    body = bb.get("/sapi/mediaclip/0/upload", params=params).json()
    assert body["chunks"] == 2 and body["uploadId"]
    parts = []
    for entry in body["presignedUrls"]:
        chunk = data[entry["offset"] : entry["offset"] + entry["chunkSize"]]
        response = requests.put(entry["presignedUrl"], data=chunk, timeout=60)
        assert response.status_code == 200
        # The Node SDK sends PartNumber as a string and strips the ETag quotes.
        parts.append({"ETag": response.headers["ETag"].strip('"'), "PartNumber": str(entry["partNumber"])})
    complete = {"s3FileKey": body["key"], "s3UploadId": body["uploadId"], "s3Parts": parts[:1]}
    assert_error(bb.put("/sapi/mediaclip/0/completeUpload", json=complete), 400, "lacks part(s) 2")
    complete["s3Parts"] = parts
    # PHP passes the body as a json query parameter; the file is no media, so it is refused.
    import json

    assert_error(bb.put("/sapi/mediaclip/0/completeUpload", params={"json": json.dumps(complete)}), 422, "not audio or video")
    assert bb.get(f"/sapi/mediaclip/{clip['id']}").json() == clip
    again = bb.get("/sapi/mediaclip/0/upload", params=params).json()
    aborted = bb.put("/sapi/mediaclip/0/abortUpload", params={"s3filekey": again["key"], "s3uploadid": again["uploadId"]})
    assert aborted.status_code == 200 and aborted.json()["success"] is True
    assert_error(bb.put("/sapi/mediaclip/0/abortUpload", params={"s3filekey": "x", "s3uploadid": "y"}), 404)


def test_php_flow_validation(bb) -> None:
    assert_error(bb.get("/sapi/mediaclip/0/upload", params={"filesize": 10}), 400, "filename")
    assert_error(bb.get("/sapi/mediaclip/0/upload", params={"filename": "a.mp4", "filesize": "big"}), 400, "filesize")
    assert_error(bb.get("/sapi/mediaclip/0/upload", params={"filename": "a.mp4", "filesize": 10, "clipid": "1"}), 404)
    assert_error(bb.put("/sapi/mediaclip/0/completeUpload", params={"json": "{nope"}), 400, "json")


def php_upload_progress(list_parts_url: str, head_object_url: str, parts_count: int) -> float:
    """bb-sapi-php-sdk's getUploadProgress: ListParts (200: parts so far; 404: HEAD the object, 200 = done)."""
    import xml.etree.ElementTree as ET

    listed = requests.get(list_parts_url, timeout=30)
    if listed.status_code == 404:
        return 0 if requests.head(head_object_url, timeout=30).status_code == 404 else 100
    assert listed.status_code == 200, listed.text
    parts = [el for el in ET.fromstring(listed.content).iter() if el.tag.rsplit("}", 1)[-1] == "Part"]
    return len(parts) / parts_count * 100


def test_php_sdk_progress_polling_multipart(bb) -> None:
    media = SMALL_MOV.read_bytes()
    data = media + b"\0" * (6 * 1024 * 1024 - len(media))
    body = bb.get("/sapi/mediaclip/0/upload", params={"filename": "big.mov", "filesize": len(data)}).json()
    assert body["chunks"] == 2
    poll = (body["listPartsUrl"], body["headObjectUrl"], body["chunks"])
    assert php_upload_progress(*poll) == 0
    parts = []
    for entry in body["presignedUrls"]:
        response = requests.put(entry["presignedUrl"], data=data[entry["offset"] : entry["offset"] + entry["chunkSize"]], timeout=60)
        parts.append({"ETag": response.headers["ETag"].strip('"'), "PartNumber": entry["partNumber"]})
        assert php_upload_progress(*poll) == 50 * entry["partNumber"]
    done = bb.put("/sapi/mediaclip/0/completeUpload", json={"s3FileKey": body["key"], "s3UploadId": body["uploadId"], "s3Parts": parts})
    assert done.status_code == 200, done.text
    assert php_upload_progress(*poll) == 100


def test_php_sdk_progress_polling_single_put(bluebillywig, bb) -> None:
    body = bb.get("/sapi/mediaclip/0/upload", params={"filename": "small.mov", "filesize": SMALL_MOV.stat().st_size}).json()
    poll = (body["listPartsUrl"], body["headObjectUrl"], body["chunks"])
    assert php_upload_progress(*poll) == 0
    assert requests.put(body["presignedUrls"][0]["presignedUrl"], data=SMALL_MOV.read_bytes(), timeout=30).status_code == 200
    assert php_upload_progress(*poll) == 100


def test_aws_direct_upload_is_linked_by_upload_identifier(bluebillywig, bb) -> None:
    import boto3

    bluebillywig.clock.freeze()
    clip = create_clip(bb, title="Direct")
    info = bb.get("/sapi/awsupload", params={"type": "mediaclip", "mediaclipId": clip["id"]}).json()
    endpoint, bucket = info["endpoint"].rsplit("/", 1)
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name=info["region"], aws_access_key_id=info["accessKey"],
                      aws_secret_access_key="anything")
    # An unrelated object under another prefix and the clip's file under the path it was given.
    s3.put_object(Bucket=bucket, Key="elsewhere/x.mov", Body=b"x")
    s3.put_object(Bucket=bucket, Key=info["path"] + "small.mov", Body=SMALL_MOV.read_bytes(),
                  Metadata={"uploadidentifier": info["uploadIdentifier"]})
    assert bb.get(f"/sapi/mediaclip/{clip['id']}").json()["originalfilename"] == ""
    bluebillywig.clock.advance(2)
    seen = bb.get(f"/sapi/mediaclip/{clip['id']}").json()
    assert seen["originalfilename"] == "small.mov" and seen["hasJobs"] == "true"
    bluebillywig.clock.advance(5)
    assert bb.get(f"/sapi/mediaclip/{clip['id']}").json()["assets"]
    assert_error(bb.get("/sapi/awsupload", params={"type": "playlist"}), 400, "type")


def test_open_single_put_is_still_noticed_after_a_snapshot_restore(bluebillywig, bb) -> None:
    bluebillywig.clock.freeze()
    clip = create_clip(bb)
    params = {"filename": "small.mov", "filesize": SMALL_MOV.stat().st_size, "clipid": clip["id"]}
    body = bb.get("/sapi/mediaclip/0/upload", params=params).json()
    snapshot = bluebillywig.state.snapshot()
    bluebillywig.scheduler.clear()  # what survives a snapshot is data, not events
    bluebillywig.state.restore(snapshot)
    assert requests.put(body["presignedUrls"][0]["presignedUrl"], data=SMALL_MOV.read_bytes(), timeout=30).status_code == 200
    bluebillywig.clock.advance(2)
    assert bb.get(f"/sapi/mediaclip/{clip['id']}").json()["originalfilename"] == "small.mov"


def test_aws_direct_upload_without_metadata_is_linked_by_its_path(bluebillywig, bb) -> None:
    import boto3

    bluebillywig.clock.freeze()
    info = bb.get("/sapi/awsupload", params={"type": "mediaclip"}).json()
    endpoint, bucket = info["endpoint"].rsplit("/", 1)
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name=info["region"], aws_access_key_id=info["accessKey"],
                      aws_secret_access_key="anything")
    s3.put_object(Bucket=bucket, Key=info["path"] + "tone.wav", Body=TONE_WAV.read_bytes())
    bluebillywig.clock.advance(2)
    found = bb.get("/sapi/mediaclip", params={"q": 'originalfilename:"tone.wav"'}).json()["items"]
    assert len(found) == 1 and found[0]["mediatype"] == "audio" and found[0]["title"] == "tone"


def test_completion_talks_to_s3_without_holding_the_state_lock(bluebillywig, bb, monkeypatch) -> None:
    import threading

    started = tus_start(bb, TONE_WAV)
    body = started.json()
    parts = put_parts(body["s3"], TONE_WAV.read_bytes())
    client = bluebillywig.s3.client
    real = client.complete_multipart_upload
    seen: dict[str, object] = {}

    def complete(**kwargs):  # type: ignore[no-untyped-def]
        # Another thread can take the state lock (so other requests are served), and the upload is claimed.
        free = threading.Event()

        def probe() -> None:
            if bluebillywig.state.lock.acquire(timeout=5):
                bluebillywig.state.lock.release()
                free.set()

        other = threading.Thread(target=probe)
        other.start()
        other.join(10)
        seen["lock_free"] = free.is_set()
        seen["status"] = bluebillywig.state.db["uploads"][body["tusUploadId"]]["status"]
        return real(**kwargs)

    monkeypatch.setattr(client, "complete_multipart_upload", complete)
    done = bb.post(f"/sapi/tus/{body['tusUploadId']}/complete", json=parts)
    assert done.status_code == 200, done.text
    assert seen == {"lock_free": True, "status": "completing"}
    assert bluebillywig.state.db["uploads"][body["tusUploadId"]]["status"] == "completed"
