"""Process-video: every documented rule, derived outputs, the child video and its job."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockservers.core.media import probe_media

MEDIA = Path(__file__).resolve().parents[2] / "fixtures" / "media"


@pytest.fixture
def source(upload_small_mov) -> dict:
    """An uploaded, fully ingested small.mov (clock frozen)."""
    return upload_small_mov()


def _process(client, source: dict, body):
    return client.post(source["processVideoUrl"], json=body)


BAD_REQUESTS = [
    ({"mediaContainerCodec": {"container": "avi"}}, "mediaContainerCodec->container"),
    ({"mediaContainerCodec": {"codec": "vp9"}}, "mediaContainerCodec->codec"),
    ({"mediaContainerCodec": {"codec": "h264", "bitrate": 1}}, "mediaContainerCodec->bitrate"),
    ({"mediaContainerCodec": {"codec": "h264"}, "appleProresProfile": "hq"}, "appleProresProfile"),
    ({"mediaContainerCodec": {"codec": "prores"}, "appleProresProfile": "ultra"}, "appleProresProfile"),
    ({"mediaContainerCodec": {"codec": "prores"}, "dnxhdHrProfile": "dnxhr_hq"}, "dnxhdHrProfile"),
    ({"scanning": {"tag": "sideways"}}, "scanning->tag"),
    ({"scanning": {"tag": "auto", "scanningType": "progressive"}}, "scanning->tag"),
    ({"scanning": {"scanningType": "progressive", "interlacedFieldOrder": "top_field"}}, "scanning->interlacedFieldOrder"),
    ({"chromaSubsampling": {"yuv": "4:2:1"}}, "chromaSubsampling->yuv"),
    ({"chromaSubsampling": {"bits": 9}}, "chromaSubsampling->bits"),
    ({"bitrate": {"mbps": 0}}, "bitrate->mbps"),
    ({"bitrate": {"mbps": 4000.5}}, "bitrate->mbps"),
    ({"bitrate": {"mbps": "20"}}, "bitrate->mbps"),
    ({"deinterlacer": "magic"}, "deinterlacer"),
    ({"denoiser": "x"}, "denoiser"),
    ({"stabilizer": "x"}, "stabilizer"),
    ({"scaler": "x"}, "scaler"),
    ({"clarityBoost": "low"}, "clarityBoost"),
    ({"scaler": "pabsr1", "clarityBoost": "extreme"}, "clarityBoost"),
    ({"frameRateConverter": "x"}, "frameRateConverter"),
    ({"postProcessor": "x"}, "postProcessor"),
    ({"resolution": {"tag": "hd_720p"}}, "resolution->tag"),
    ({"resolution": {"tag": "hd_1080p", "width": 1920}}, "resolution->tag"),
    ({"resolution": {}}, "resolution"),
    ({"resolution": {"width": 15}}, "resolution->width"),
    ({"resolution": {"height": 4321}}, "resolution->height"),
    ({"resolution": {"width": 1.5}}, "resolution->width"),
    ({"resolution": {"width": 1280, "height": 720, "aspectRatioTag": "16:9"}}, "resolution->aspectRatioTag"),
    ({"resolution": {"width": 1280, "aspectRatioTag": "21:9"}}, "resolution->aspectRatioTag"),
    ({"frameRate": {"tag": "film", "fps": 24}}, "frameRate->fps"),
    ({"frameRate": {}}, "frameRate->fps"),
    ({"frameRate": {"fps": 1000}}, "frameRate->fps"),
    ({"frameRate": {"tag": "cinema"}}, "frameRate->tag"),
    ({"range": {"startPositionMilliseconds": -1}}, "range->startPositionMilliseconds"),
    ({"range": {"endPositionMilliseconds": 10_000_000}}, "range->endPositionMilliseconds"),
    ({"range": {"startPositionMilliseconds": 500, "endPositionMilliseconds": 400}}, "range->endPositionMilliseconds"),
    ({"sharpen": True}, "sharpen"),
    ({"resolution": "hd_1080p"}, "resolution"),
]


@pytest.mark.parametrize(("body", "field"), BAD_REQUESTS)
def test_bad_process_requests_name_the_field(pixop_client, source, body, field) -> None:
    response = _process(pixop_client, source, body)
    assert response.status_code == 400, response.text
    error = response.json()
    assert error["exception"] == "BadRequestException"
    assert field in error["errorMessage"]


def test_malformed_json_and_non_object_bodies(pixop_client, source) -> None:
    broken = pixop_client.post(source["processVideoUrl"], data=b'{"scaler": ', headers={"Content-Type": "application/json"})
    assert broken.status_code == 400 and "not valid JSON" in broken.json()["errorMessage"]
    assert _process(pixop_client, source, [1, 2]).status_code == 400


def test_source_must_be_ingested(pixop, pixop_client) -> None:
    pixop.clock.freeze()
    created = pixop_client.put("/videos/v1/video", json={}).json()
    response = pixop_client.post(created["processVideoUrl"], json={})
    assert response.status_code == 409
    assert "no media has been uploaded" in response.json()["errorMessage"]
    with open(MEDIA / "small.mov", "rb") as handle:
        pixop_client.post(created["uploadMediaUrl"], files={"file": ("small.mov", handle)})
    still_ingesting = pixop_client.post(created["processVideoUrl"], json={})
    assert still_ingesting.status_code == 409 and "ingestion is" in still_ingesting.json()["errorMessage"]


def test_empty_request_derives_everything_from_the_source(pixop_client, source) -> None:
    probe = probe_media(MEDIA / "small.mov")
    response = _process(pixop_client, source, {})
    assert response.status_code == 200
    child_id = response.json()["processedVideoId"]
    target = pixop_client.get(f"/videos/v1/video/{child_id}").json()["video"]["processing"]["processingParameters"]["targetVideo"]
    assert target["container"]["name"] == "mov"
    assert target["codec"]["name"] == probe.codec_name
    assert (target["frameWidth"], target["frameHeight"]) == (probe.frame_width, probe.frame_height)
    assert target["pixelFormat"]["chromaSubsampling"] == {"yuv": probe.chroma_yuv, "bits": probe.chroma_bits}
    assert "frameRate" not in target
    assert target["averageFramerate"] == pytest.approx(probe.average_framerate, rel=1e-3)
    # Same pixels and frame rate: the source bitrate, floored at 100 kbit/s (see the fidelity notes).
    assert target["bitrate"] == max(100_000, probe.bit_rate)


def test_processing_creates_a_child_that_reflects_the_request(pixop, pixop_client, source, tmp_path) -> None:
    body = {
        "mediaContainerCodec": {"container": "mxf", "codec": "dnxhd"},
        "dnxhdHrProfile": "dnxhr_hqx",
        "chromaSubsampling": {"yuv": "4:2:2", "bits": 10},
        "scaler": "pabsr1",
        "clarityBoost": "high",
        "resolution": {"width": 1280, "aspectRatioTag": "16:9"},
        "frameRate": {"tag": "video_pal_fast"},
        "scanning": {"tag": "interlaced_bff"},
        "range": {"startPositionMilliseconds": 200, "endPositionMilliseconds": 800},
        "bitrate": {"mbps": 20.5},
    }
    response = _process(pixop_client, source, body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["sourceVideoId"] == source["videoId"]
    assert answer["checkProgressUrl"].startswith(pixop.base_url)
    child_id = answer["processedVideoId"]
    progress = pixop_client.get(answer["checkProgressUrl"]).json()["processingState"]
    assert progress["processingStatus"] == "INITIAL"
    pixop.clock.advance(pixop.context.settings["process_seconds"] / 2)
    middle = pixop_client.get(answer["checkProgressUrl"]).json()["processingState"]
    assert middle["processingStatus"] == "IN_PROGRESS" and 0 < middle["processingProgressPercent"] < 100
    not_ready = pixop_client.get(answer["downloadMediaUrl"])
    assert not_ready.status_code == 409 and not_ready.json()["exception"] == "MediaNotReadyException"
    pixop.clock.advance(pixop.context.settings["process_seconds"])
    assert pixop_client.get(answer["checkProgressUrl"]).json()["processingState"]["processingStatus"] == "DONE"
    child = pixop_client.get(f"/videos/v1/video/{child_id}").json()["video"]
    assert child["parentId"] == source["videoId"]
    metadata = child["ingestion"]["metadata"]
    assert (metadata["frameWidth"], metadata["frameHeight"]) == (1280, 720)
    assert metadata["codecName"] == "dnxhd" and metadata["containerName"] == "mxf"
    assert metadata["pixelFormat"] == {"name": "yuv422p10le", "chromaSubsampling": {"yuv": "4:2:2", "bits": 10}}
    assert metadata["averageFramerate"] == 50.0
    assert metadata["durationInMillis"] == 600
    assert metadata["totalFrames"] == 30
    # The metadata is probed from the real output file; it is encoded progressive (a documented fallback).
    assert metadata["scanning"]["metadata"]["scanningType"] == "progressive"
    notes = [w["message"] for w in pixop.journal.last(path=f"/videos/v1/video/{child_id}").warnings]
    assert any("interlaced output is encoded progressive" in n for n in notes), notes
    assert "bitrate" not in metadata  # the client's VideoMetadata has no bitrate
    target = child["processing"]["processingParameters"]["targetVideo"]
    assert target["codec"]["properties"] == {"profile": "dnxhr_hqx"}
    assert target["scanning"] == {"scanningType": "interlaced", "interlacedFieldOrder": "bottom_field"}
    assert target["bitrate"] == 20_500_000
    assert {"name": "pabsr1", "properties": {"targetWidth": 1280, "targetHeight": 720, "clarityBoost": "high"}} in target["videoFilters"]
    download = pixop_client.get(answer["downloadMediaUrl"])
    assert download.status_code == 200
    # A real file: the requested container, codec, size, frame rate and clip (probed with PyAV).
    out = tmp_path / "processed.mxf"
    out.write_bytes(download.content)
    probe = probe_media(out)
    assert (probe.container_name, probe.codec_name) == ("mxf", "dnxhd")
    assert (probe.frame_width, probe.frame_height, probe.average_framerate) == (1280, 720, 50.0)
    assert (probe.total_frames, probe.pixel_format) == (30, "yuv422p10le")
    assert download.headers["ETag"].strip('"') == pixop.state.db["videos"][child_id]["upload"]["md5"]
    assert download.headers["Content-Disposition"].endswith("small_processed.mxf")
    children = pixop_client.get("/videos/v1/videos", params={"parent-id": source["videoId"]}).json()
    assert [v["id"] for v in children["_embedded"]["videos"]] == [child_id]


@pytest.mark.parametrize(
    ("resolution", "expected"),
    [
        ({"tag": "hd_1080p"}, (1920, 1080)),
        ({"tag": "uhd_4k"}, (3840, 2160)),
        ({"tag": "2x"}, (1120, 640)),
        ({"tag": "3x"}, (1680, 960)),
        ({"width": 1000, "height": 500}, (1000, 500)),
        ({"height": 480, "aspectRatioTag": "4:3"}, (640, 480)),
        ({"width": 1120, "aspectRatioTag": "storage"}, (1120, 640)),
    ],
)
def test_resolution_rules(pixop, pixop_client, source, resolution, expected) -> None:
    response = _process(pixop_client, source, {"resolution": resolution})
    assert response.status_code == 200, response.text
    child = pixop_client.get(f"/videos/v1/video/{response.json()['processedVideoId']}").json()["video"]
    target = child["processing"]["processingParameters"]["targetVideo"]
    assert (target["frameWidth"], target["frameHeight"]) == expected


def test_deleting_the_source_deletes_processed_children(pixop, pixop_client, source) -> None:
    first = _process(pixop_client, source, {}).json()["processedVideoId"]
    second = _process(pixop_client, source, {"resolution": {"tag": "2x"}}).json()["processedVideoId"]
    versions = [pixop_client.get(f"/videos/v1/check-process-video-progress/{v}").json()["processingState"]["version"] for v in (first, second)]
    assert versions == [1, 2]
    deleted = pixop_client.delete(f"/videos/v1/video/{source['videoId']}").json()["deletedVideos"]
    assert [d["videoId"] for d in deleted] == [source["videoId"], first, second]
    for video_id in (source["videoId"], first, second):
        assert pixop_client.get(f"/videos/v1/video/{video_id}").status_code == 404
    uploaded = [k for k in pixop.blobs if not k.startswith("fixture:")]
    assert uploaded == []


def test_progress_of_an_original_is_not_a_processing_job(pixop_client, source) -> None:
    response = pixop_client.get(f"/videos/v1/check-process-video-progress/{source['videoId']}")
    assert response.status_code == 404
    assert "processedVideoId" in response.json()["errorMessage"]


ALLOWED_PAIRS = {
    "mov": ("h264", "prores", "dnxhd", "hevc", "mpeg2", "ffv1"),
    "mxf": ("h264", "xdcam", "mpeg2", "dnxhd"),
    "mp4": ("h264", "hevc"),
    "mts": ("h264", "hevc", "mpeg2"),
}


@pytest.mark.parametrize(
    ("container", "codec"),
    [(c, k) for c in ALLOWED_PAIRS for k in ("h264", "prores", "dnxhd", "xdcam", "hevc", "mpeg2", "ffv1") if k not in ALLOWED_PAIRS[c]],
)
def test_container_codec_pairs_the_client_does_not_allow_are_refused(pixop_client, source, container, codec) -> None:
    response = _process(pixop_client, source, {"mediaContainerCodec": {"container": container, "codec": codec}})
    assert response.status_code == 400, response.text
    assert response.json()["exception"] == "BadRequestException"
    assert f"cannot be stored in container {container}" in response.json()["errorMessage"]


def test_client_option_values_are_accepted(pixop_client, source) -> None:
    body = {"frameRateConverter": "vfi", "frameRate": {"tag": "video_uhd_fast"}, "scaler": "dvres2", "resolution": {"tag": "no_scaling"}}
    response = _process(pixop_client, source, body)
    assert response.status_code == 200, response.text
    child = pixop_client.get(f"/videos/v1/video/{response.json()['processedVideoId']}").json()["video"]
    target = child["processing"]["processingParameters"]["targetVideo"]
    assert target["averageFramerate"] == 120.0
    assert {"name": "vfi", "properties": {"fps": 120.0}} in target["videoFilters"]
    assert (target["frameWidth"], target["frameHeight"]) == (560, 320)
