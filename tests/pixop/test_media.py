"""Uploads, ingestion driven by the virtual clock, and downloads with ETag and Range."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from mockservers.core.media import probe_media

MEDIA = Path(__file__).resolve().parents[2] / "fixtures" / "media"
SMALL = MEDIA / "small.mov"


def _new_video(client, **body) -> dict:
    response = client.put("/videos/v1/video", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def _upload(client, url: str, path: Path = SMALL, field: str = "file"):
    with open(path, "rb") as handle:
        return client.post(url, files={field: (path.name, handle, "application/octet-stream")})


def _ingest_state(client, video_id: str) -> dict:
    response = client.get(f"/videos/v1/check-ingest-video-progress/{video_id}")
    assert response.status_code == 200
    return response.json()["ingestionState"]


@pytest.mark.parametrize("field", ["file", "small.mov", "media"])
def test_upload_accepts_any_single_file_field(pixop, pixop_client, field) -> None:
    created = _new_video(pixop_client)
    response = _upload(pixop_client, created["uploadMediaUrl"], field=field)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["videoId"] == created["videoId"]
    assert body["checkIngestProgressUrl"] == f"{pixop.base_url}/videos/v1/check-ingest-video-progress/{created['videoId']}"
    video = pixop_client.get(f"/videos/v1/video/{created['videoId']}").json()["video"]
    assert video["upload"]["hasFinishedUploading"] is True
    assert video["upload"]["fileName"] == "small.mov"
    assert video["upload"]["fileSize"] == SMALL.stat().st_size


def test_ingestion_progresses_with_the_clock_and_reports_real_metadata(pixop, pixop_client) -> None:
    pixop.clock.freeze()
    created = _new_video(pixop_client)
    assert _upload(pixop_client, created["uploadMediaUrl"]).status_code == 200
    duration = pixop.context.settings["ingest_seconds"]
    seen = []
    percents = []
    for _ in range(12):
        state = _ingest_state(pixop_client, created["videoId"])
        seen.append(state["ingestionStatus"])
        percents.append(state["processingProgressPercent"])
        pixop.clock.advance(duration / 10)
    assert seen[0] == "INITIAL"
    assert "IN_PROGRESS" in seen
    assert seen[-1] == "DONE"
    assert percents == sorted(percents) and percents[-1] == 100.0
    video = pixop_client.get(f"/videos/v1/video/{created['videoId']}").json()["video"]
    metadata = video["ingestion"]["metadata"]
    probe = probe_media(SMALL)
    assert (metadata["codecName"], metadata["frameWidth"], metadata["frameHeight"]) == (probe.codec_name, probe.frame_width, probe.frame_height)
    assert metadata["durationInMillis"] == probe.duration_ms
    assert metadata["totalFrames"] == probe.total_frames
    assert metadata["pixelFormat"] == {"name": probe.pixel_format, "chromaSubsampling": {"yuv": probe.chroma_yuv, "bits": probe.chroma_bits}}
    assert video["ingestion"]["ingestionState"]["videoMetadataCommitted"] is True
    # Full ingestion adds a quality assessment, deterministic for the same bytes.
    quality = video["ingestion"]["qualityAssessment"]
    assert quality is not None and 0 <= quality["overallSubjectiveScore"] <= 5


def test_interlaced_source_is_detected(pixop, pixop_client) -> None:
    pixop.clock.freeze()
    created = _new_video(pixop_client)
    assert _upload(pixop_client, created["uploadMediaUrl"], MEDIA / "interlaced.ts").status_code == 200
    pixop.clock.advance(60)
    metadata = pixop_client.get(f"/videos/v1/video/{created['videoId']}").json()["video"]["ingestion"]["metadata"]
    assert metadata["scanning"]["metadata"] == {"scanningType": "interlaced", "interlacedFieldOrder": "top_field"}
    assert metadata["codecName"] == "mpeg2video"


def test_light_ingestion_has_no_quality_assessment_or_heuristics(pixop, pixop_client) -> None:
    pixop.clock.freeze()
    created = _new_video(pixop_client)
    assert _upload(pixop_client, created["uploadLightMediaUrl"]).status_code == 200
    pixop.clock.advance(60)
    video = pixop_client.get(f"/videos/v1/video/{created['videoId']}").json()["video"]
    assert video["ingestion"]["ingestionState"]["ingestionStatus"] == "DONE"
    assert video["ingestion"]["qualityAssessment"] is None
    assert video["ingestion"]["metadata"]["scanning"]["heuristics"] is None
    assert video["ingestion"]["ingestionState"]["thumbnailsAvailable"] is False


def test_non_media_upload_fails_ingestion_with_a_reason(pixop, pixop_client) -> None:
    pixop.clock.freeze()
    created = _new_video(pixop_client)
    assert _upload(pixop_client, created["uploadMediaUrl"], MEDIA / "not_media.bin").status_code == 200
    assert _ingest_state(pixop_client, created["videoId"])["ingestionStatus"] == "INITIAL"
    pixop.clock.advance(60)
    state = _ingest_state(pixop_client, created["videoId"])
    # ERROR: the failure status the official v1 client's README polls for.
    assert state["ingestionStatus"] == "ERROR"
    assert "failureReason" not in state
    # The reason goes to the journal, not into the answer.
    warnings = pixop.journal.last(path=f"/videos/v1/check-ingest-video-progress/{created['videoId']}").warnings
    assert [w["code"] for w in warnings] == ["ingest-failed"]
    assert "not a video" in warnings[0]["message"]
    # A failed ingestion cannot be processed.
    response = pixop_client.post(created["processVideoUrl"], json={})
    assert response.status_code == 409
    assert response.json()["exception"] == "VideoNotIngestedException"


def test_bad_uploads_get_pixop_errors_and_leave_no_blob(pixop, pixop_client, tmp_path) -> None:
    created = _new_video(pixop_client)
    url = created["uploadMediaUrl"]
    blobs_before = set(pixop.blobs.keys())
    not_multipart = pixop_client.post(url, data=b"raw bytes", headers={"Content-Type": "application/octet-stream"})
    assert not_multipart.status_code == 415
    no_file = pixop_client.post(url, data={"name": "x"}, files={})
    assert no_file.status_code in (400, 415)
    with open(SMALL, "rb") as one, open(SMALL, "rb") as two:
        two_files = pixop_client.post(url, files={"a": ("a.mov", one), "b": ("b.mov", two)})
    assert two_files.status_code == 400
    assert "exactly one file" in two_files.json()["errorMessage"]
    empty = tmp_path / "empty.mov"
    empty.write_bytes(b"")
    assert _upload(pixop_client, url, empty).status_code == 400
    assert set(pixop.blobs.keys()) == blobs_before
    assert _upload(pixop_client, url).status_code == 200
    again = _upload(pixop_client, url)
    assert again.status_code == 409
    assert again.json()["exception"] == "MediaAlreadyUploadedException"
    missing = _upload(pixop_client, "/media/v1/upload/00000000-0000-4000-8000-000000000000")
    assert missing.status_code == 404


def _uploaded_and_ingested(pixop, client) -> dict:
    pixop.clock.freeze()
    created = _new_video(client)
    assert _upload(client, created["uploadMediaUrl"]).status_code == 200
    pixop.clock.advance(60)
    return created


def test_original_download_get_head_etag_and_ranges(pixop, pixop_client) -> None:
    created = _uploaded_and_ingested(pixop, pixop_client)
    url = f"/media/v1/download/original/{created['videoId']}"
    data = SMALL.read_bytes()
    full = pixop_client.get(url)
    assert full.status_code == 200
    assert full.content == data
    assert full.headers["ETag"] == f'"{hashlib.md5(data).hexdigest()}"'
    assert "small.mov" in full.headers["Content-Disposition"]
    assert int(full.headers["Content-Length"]) == len(data)
    head = pixop_client.head(url)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Length"] == str(len(data))
    assert pixop_client.get(url, headers={"If-None-Match": full.headers["ETag"]}).status_code == 304
    assert pixop_client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    part = pixop_client.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.content == data[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(data)}"
    tail = pixop_client.get(url, headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.content == data[-10:]
    beyond = pixop_client.get(url, headers={"Range": f"bytes={len(data) + 5}-"})
    assert beyond.status_code == 416
    assert beyond.headers["Content-Range"] == f"bytes */{len(data)}"
    assert beyond.json()["exception"] == "RangeNotSatisfiableException"


def test_download_errors(pixop, pixop_client) -> None:
    created = _new_video(pixop_client)
    response = pixop_client.get(f"/media/v1/download/original/{created['videoId']}")
    assert response.status_code == 404
    assert response.json()["exception"] == "MediaNotFoundException"
    assert pixop_client.get(f"/media/v1/download/processed/{created['videoId']}").status_code == 404
    anonymous = pixop_client.get(f"/media/v1/download/original/{created['videoId']}", headers={"Authorization": ""})
    assert anonymous.status_code == 401


def test_upload_is_streamed_to_disk(pixop, pixop_client) -> None:
    """A multi-MiB upload is stored byte-exact with the md5 the ETag reports."""
    created = _new_video(pixop_client)
    payload = bytes(range(256)) * (4 * 4096)  # 4 MiB, deterministic
    response = pixop_client.post(created["uploadMediaUrl"], files={"file": ("big.bin", payload)})
    assert response.status_code == 200
    entry = pixop.journal.last(path=f"/media/v1/upload/{created['videoId']}")
    assert entry.request_body["size"] > len(payload)
    assert entry.request_body.get("truncated") is True
    download = pixop_client.get(f"/media/v1/download/original/{created['videoId']}")
    assert download.content == payload
    assert download.headers["ETag"] == f'"{hashlib.md5(payload).hexdigest()}"'
