"""Processed downloads are real media: probed with PyAV, they have what was asked for (or the documented fallback)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockservers.core.media import probe_media
from mockservers.pixop import transcode

MEDIA = Path(__file__).resolve().parents[2] / "fixtures" / "media"
# The container/codec pairs the official Java client allows.
PAIRS = [
    ("mov", "h264"), ("mov", "prores"), ("mov", "dnxhd"), ("mov", "hevc"), ("mov", "mpeg2"), ("mov", "ffv1"),
    ("mxf", "h264"), ("mxf", "xdcam"), ("mxf", "mpeg2"), ("mxf", "dnxhd"),
    ("mp4", "h264"), ("mp4", "hevc"),
    ("mts", "h264"), ("mts", "hevc"), ("mts", "mpeg2"),
]
CONTAINERS = {"mov": "mov,mp4,m4a,3gp,3g2,mj2", "mp4": "mov,mp4,m4a,3gp,3g2,mj2", "mxf": "mxf", "mts": "mpegts"}
FFMPEG_CODECS = {"h264": "h264", "prores": "prores", "dnxhd": "dnxhd", "hevc": "hevc", "mpeg2": "mpeg2video", "xdcam": "mpeg2video", "ffv1": "ffv1"}
# Documented fallbacks (docs/pixop.md): PyAV's mov muxer refuses FFV1, so it is lossless H.264 there.
FALLBACK = {("mov", "ffv1"): "h264"}


@pytest.fixture
def source(upload_small_mov) -> dict:
    """An uploaded (light endpoint), ingested small.mov (560x320, 25 fps, 1 s); the clock frozen."""
    return upload_small_mov(endpoint="uploadLightMediaUrl")


def _process_and_download(pixop, client, source: dict, body: dict, tmp_path: Path, name: str) -> tuple[dict, Path]:
    answer = client.post(source["processVideoUrl"], json=body)
    assert answer.status_code == 200, answer.text
    pixop.clock.advance(pixop.context.settings["process_seconds"])
    progress = client.get(answer.json()["checkProgressUrl"]).json()["processingState"]
    assert progress["processingStatus"] == "DONE"  # DONE: the file exists
    download = client.get(answer.json()["downloadMediaUrl"])
    assert download.status_code == 200
    path = tmp_path / name
    path.write_bytes(download.content)
    return answer.json(), path


@pytest.mark.parametrize(("container", "codec"), PAIRS)
def test_each_allowed_pair_is_a_real_file(pixop, pixop_client, source, tmp_path, container, codec) -> None:
    body = {
        "mediaContainerCodec": {"container": container, "codec": codec},
        "resolution": {"width": 320, "height": 180},
        "frameRate": {"tag": "video_pal"},
        "range": {"startPositionMilliseconds": 200, "endPositionMilliseconds": 600},
    }
    answer, path = _process_and_download(pixop, pixop_client, source, body, tmp_path, f"out.{container}")
    probe = probe_media(path)
    assert probe.container_name == CONTAINERS[container]
    assert probe.codec_name == FFMPEG_CODECS[FALLBACK.get((container, codec), codec)]
    assert (probe.frame_width, probe.frame_height) == (320, 180)
    assert probe.average_framerate == pytest.approx(25.0)
    assert probe.total_frames == 10 and probe.duration_ms == pytest.approx(400, abs=40)
    # The video document describes the file that was written.
    metadata = pixop_client.get(f"/videos/v1/video/{answer['processedVideoId']}").json()["video"]["ingestion"]["metadata"]
    assert (metadata["frameWidth"], metadata["frameHeight"], metadata["codecName"]) == (320, 180, probe.codec_name)
    assert metadata["size"] == path.stat().st_size
    warnings = [w["message"] for w in pixop.journal.last(path=f"/media/v1/download/processed/{answer['processedVideoId']}").warnings]
    if (container, codec) in FALLBACK:
        assert any("encoded as h264 instead of ffv1" in w for w in warnings), warnings


def test_frame_rate_conversion_and_bitrate(pixop, pixop_client, source, tmp_path) -> None:
    body = {
        "mediaContainerCodec": {"container": "mp4", "codec": "h264"},
        "frameRate": {"tag": "video_hd_fast"},
        "frameRateConverter": "fps",
        "resolution": {"width": 640, "height": 360},
        "bitrate": {"mbps": 2},
    }
    _, path = _process_and_download(pixop, pixop_client, source, body, tmp_path, "fast.mp4")
    probe = probe_media(path)
    assert probe.average_framerate == pytest.approx(60.0)
    assert probe.total_frames == 60 and (probe.frame_width, probe.frame_height) == (640, 360)
    assert 0.5 * 2_000_000 <= probe.bit_rate <= 1.6 * 2_000_000, probe.bit_rate


def test_prores_profile_and_ten_bit_chroma(pixop, pixop_client, source, tmp_path) -> None:
    body = {
        "mediaContainerCodec": {"container": "mov", "codec": "prores"},
        "appleProresProfile": "hq",
        "chromaSubsampling": {"yuv": "4:2:2", "bits": 10},
        "range": {"endPositionMilliseconds": 200},
    }
    _, path = _process_and_download(pixop, pixop_client, source, body, tmp_path, "hq.mov")
    probe = probe_media(path)
    assert (probe.codec_name, probe.pixel_format) == ("prores", "yuv422p10le")
    assert (probe.frame_width, probe.frame_height, probe.total_frames) == (560, 320, 5)


def test_status_reads_wait_for_the_worker_never_done_without_a_file(pixop, pixop_client, source, monkeypatch) -> None:
    import threading

    release = threading.Event()
    real = transcode.transcode

    def slow(*args, **kwargs):
        release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr("mockservers.pixop.state.transcode", slow)
    answer = pixop_client.post(source["processVideoUrl"], json={"range": {"endPositionMilliseconds": 200}}).json()
    # The emulator keeps answering while the worker runs.
    assert pixop_client.get("/accounts/v1/account").status_code == 200
    pixop.clock.advance(pixop.context.settings["process_seconds"])
    monkeypatch.setitem(pixop.context.settings, "transcode_wait_seconds", 0.05)
    held = pixop_client.get(answer["checkProgressUrl"]).json()["processingState"]
    assert held["processingStatus"] == "IN_PROGRESS" and held["processingProgressPercent"] == 99.0
    not_ready = pixop_client.get(answer["downloadMediaUrl"])
    assert not_ready.status_code == 409
    release.set()
    monkeypatch.setitem(pixop.context.settings, "transcode_wait_seconds", 60)
    assert pixop_client.get(answer["checkProgressUrl"]).json()["processingState"]["processingStatus"] == "DONE"
    assert pixop_client.get(answer["downloadMediaUrl"]).status_code == 200


def test_over_the_size_limit_the_download_is_the_source(pixop, pixop_client, source, tmp_path, monkeypatch) -> None:
    monkeypatch.setitem(pixop.context.settings, "transcode_max_output_pixels", 1000)
    answer, path = _process_and_download(pixop, pixop_client, source, {"resolution": {"tag": "2x"}}, tmp_path, "big.mov")
    assert path.read_bytes() == (MEDIA / "small.mov").read_bytes()
    warnings = [w for w in pixop.journal.last(path=f"/media/v1/download/processed/{answer['processedVideoId']}").warnings]
    assert [w["code"] for w in warnings] == ["processing-fallback"]
    assert "transcode_max_output_pixels" in warnings[0]["message"]


def test_a_missing_encoder_falls_back_to_h264(pixop, pixop_client, source, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(transcode, "encoder_available", lambda codec: codec != "hevc")
    answer, path = _process_and_download(
        pixop, pixop_client, source, {"mediaContainerCodec": {"container": "mp4", "codec": "hevc"}, "range": {"endPositionMilliseconds": 200}},
        tmp_path, "nohevc.mp4",
    )
    assert probe_media(path).codec_name == "h264"
    notes = [w["message"] for w in pixop.journal.last(path=f"/media/v1/download/processed/{answer['processedVideoId']}").warnings]
    assert any("no libx265 encoder" in n for n in notes) and any("encoded as h264 instead of hevc" in n for n in notes)


def test_a_restored_snapshot_still_gets_its_file(pixop, pixop_client, source, tmp_path) -> None:
    answer = pixop_client.post(source["processVideoUrl"], json={"range": {"endPositionMilliseconds": 200}}).json()
    snapshot = pixop.state.snapshot()  # taken while the worker may still be running
    pixop.state.restore(snapshot)
    pixop.clock.advance(pixop.context.settings["process_seconds"])
    assert pixop_client.get(answer["checkProgressUrl"]).json()["processingState"]["processingStatus"] == "DONE"
    download = pixop_client.get(answer["downloadMediaUrl"])
    assert download.status_code == 200
    (tmp_path / "restored.mov").write_bytes(download.content)
    assert probe_media(tmp_path / "restored.mov").total_frames == 5
