"""Tests for PyAV-backed media probing against the committed sample files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import av
import av.logging
import pytest

from mockservers.core.media import (
    MediaInfo,
    NotMediaError,
    chroma_of_pixel_format,
    pixel_format_for,
    probe_media,
)

MEDIA = Path(__file__).resolve().parents[2] / "fixtures" / "media"

# Rejecting garbage must not depend on reading it all: a container probe reads a bounded head of
# the file (FFmpeg's probe size), counted in bytes the process read rather than in seconds.
PROBE_READ_BOUND = 8 * 1024 * 1024


def _bytes_read() -> int:
    """This process's bytes read so far through read(2) and friends (Linux ``/proc/self/io`` rchar)."""
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    raise AssertionError("/proc/self/io has no rchar line")


def _deterministic_noise(size: int) -> bytes:
    """Return `size` bytes of hash-chained noise: random-looking but identical on every run."""
    block = hashlib.blake2b(b"mockservers media noise", digest_size=64).digest()
    chunk = bytearray()
    for counter in range(1 << 14):  # 1 MiB of distinct blocks, then repeated
        chunk += hashlib.blake2b(block + counter.to_bytes(4, "little"), digest_size=64).digest()
    repeats, rest = divmod(size, len(chunk))
    return bytes(chunk) * repeats + bytes(chunk[:rest])


def test_small_mov_is_h264_quicktime() -> None:
    info = probe_media(MEDIA / "small.mov")
    assert isinstance(info, MediaInfo)
    assert info.container_name == "mov,mp4,m4a,3gp,3g2,mj2"
    assert info.long_container_name == "QuickTime / MOV"
    assert info.mime_type == "video/quicktime"
    assert info.has_video is True
    assert info.codec_name == "h264"
    assert info.long_codec_name == "H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10"
    assert (info.frame_width, info.frame_height) == (560, 320)
    assert info.average_framerate == pytest.approx(25.0)
    assert info.duration_ms == pytest.approx(1000, abs=10)
    assert info.total_frames == 25
    assert info.pixel_format == "yuv420p"
    assert (info.chroma_yuv, info.chroma_bits) == ("4:2:0", 8)
    assert info.scanning_type == "progressive"
    assert info.field_order is None
    assert info.size == (MEDIA / "small.mov").stat().st_size
    assert 0 < info.video_stream_size < info.size
    assert info.bit_rate == pytest.approx(info.size * 8 / 1.0, rel=0.02)
    assert info.display_aspect_ratio == pytest.approx(560 / 320)
    assert info.audio_codec_name is None


def test_interlaced_ts_is_mpeg2_top_field_first() -> None:
    info = probe_media(MEDIA / "interlaced.ts")
    assert info.container_name == "mpegts"
    assert info.mime_type == "video/mp2t"
    assert info.codec_name == "mpeg2video"
    assert (info.frame_width, info.frame_height) == (720, 576)
    assert info.average_framerate == pytest.approx(25.0)
    assert info.duration_ms == pytest.approx(400, abs=10)
    # Transport streams carry no frame count, so this one comes from demuxing.
    assert info.total_frames == 10
    assert (info.pixel_format, info.chroma_yuv, info.chroma_bits) == ("yuv420p", "4:2:0", 8)
    assert info.scanning_type == "interlaced"
    assert info.field_order == "top_field"
    # 720x576 with a 64:45 sample aspect ratio is 16:9 PAL.
    assert info.display_aspect_ratio == pytest.approx(16 / 9)
    assert 0 < info.video_stream_size < info.size


def test_tone_wav_is_audio_only() -> None:
    info = probe_media(MEDIA / "tone.wav")
    assert info.container_name == "wav"
    assert info.mime_type == "audio/wav"
    assert info.has_video is False
    assert info.codec_name is None
    assert info.frame_width is None and info.frame_height is None
    assert info.scanning_type is None
    assert info.total_frames == 0
    assert info.video_stream_size == 0
    assert info.duration_ms == pytest.approx(500, abs=5)
    assert info.audio_codec_name == "pcm_s16le"
    assert info.audio_sample_rate == 8000
    assert info.audio_channels == 1
    assert info.bit_rate == pytest.approx(128_000, rel=0.02)


def test_probe_accepts_str_paths() -> None:
    assert probe_media(str(MEDIA / "small.mov")).codec_name == "h264"


def test_not_media_bin_is_rejected() -> None:
    with pytest.raises(NotMediaError, match="not a recognised audio or video container"):
        probe_media(MEDIA / "not_media.bin")


def test_empty_file_is_rejected(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp4"
    empty.touch()
    with pytest.raises(NotMediaError, match="empty"):
        probe_media(empty)


@pytest.mark.parametrize("name", ["notes.txt", "data.csv", "clip.mp4"])
def test_text_files_are_rejected(tmp_path: Path, name: str) -> None:
    # *.txt is the interesting one: FFmpeg's "tty" demuxer happily opens it as ANSI art video.
    path = tmp_path / name
    path.write_text("frame rate,width,height\n25,1920,1080\n" * 200)
    with pytest.raises(NotMediaError) as excinfo:
        probe_media(path)
    assert str(excinfo.value)


def test_directory_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(NotMediaError, match="regular file"):
        probe_media(tmp_path)


def test_missing_file_raises_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        probe_media(tmp_path / "absent.mov")


@pytest.mark.parametrize(
    "name", ["noise.bin", "noise.mp4", "noise.mov", "noise.ts", "noise.mp3", "noise.jpg"]
)
def test_large_noise_file_fails_fast(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    size = 50 * 1024 * 1024
    path.write_bytes(_deterministic_noise(size))
    before = _bytes_read()
    with pytest.raises(NotMediaError) as excinfo:
        probe_media(path)
    read = _bytes_read() - before
    # FFmpeg's image demuxer takes a .jpg as one whole picture: one pass over it, never a second.
    bound = size + PROBE_READ_BOUND if name.endswith(".jpg") else PROBE_READ_BOUND
    assert read <= bound, f"probing {size} bytes of noise read {read} bytes"
    assert str(excinfo.value)


def test_huge_sparse_file_fails_fast(tmp_path: Path) -> None:
    path = tmp_path / "sparse.mov"
    with path.open("wb") as handle:
        handle.truncate(1 << 30)  # 1 GiB of zeros without using 1 GiB of disk
    before = _bytes_read()
    with pytest.raises(NotMediaError):
        probe_media(path)
    assert _bytes_read() - before <= PROBE_READ_BOUND


def test_probing_garbage_prints_nothing(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "noise.mp3"
    path.write_bytes(_deterministic_noise(256 * 1024))
    previous = av.logging.get_level()
    av.logging.set_level(av.logging.VERBOSE)
    try:
        with pytest.raises(NotMediaError):
            probe_media(path)
    finally:
        av.logging.set_level(previous)
    captured = capfd.readouterr()
    assert captured.out == ""
    assert captured.err == ""


@pytest.mark.parametrize(
    ("pix_fmt", "expected"),
    [
        ("yuv420p", ("4:2:0", 8)),
        ("yuvj420p", ("4:2:0", 8)),
        ("yuv422p10le", ("4:2:2", 10)),
        ("yuv444p12be", ("4:4:4", 12)),
        ("yuva444p16le", ("4:4:4", 16)),
        ("yuv410p", ("4:1:0", 8)),
        ("yuv411p", ("4:1:1", 8)),
        ("yuv440p", ("4:4:0", 8)),
        ("yuv410p14le", ("4:1:0", 14)),  # not an FFmpeg format, but the name is unambiguous
        ("nv12", ("4:2:0", 8)),
        ("p010le", ("4:2:0", 10)),
        ("yuyv422", ("4:2:2", 8)),
        ("y210le", ("4:2:2", 10)),
        ("uyyvyy411", ("4:1:1", 8)),
        ("gray10le", ("4:0:0", 10)),
    ],
)
def test_chroma_of_pixel_format(pix_fmt: str, expected: tuple[str, int]) -> None:
    assert chroma_of_pixel_format(pix_fmt) == expected


@pytest.mark.parametrize("pix_fmt", ["rgb24", "gbrp10le", "pal8", "bayer_rggb8", "not-a-format", ""])
def test_chroma_of_non_yuv_pixel_format_raises(pix_fmt: str) -> None:
    with pytest.raises(ValueError):
        chroma_of_pixel_format(pix_fmt)


@pytest.mark.parametrize(
    ("yuv", "bits", "expected"),
    [
        ("4:2:0", 8, "yuv420p"),
        ("4:2:2", 10, "yuv422p10le"),
        ("4:4:4", 12, "yuv444p12le"),
        ("4:1:0", 16, "yuv410p16le"),
        ("4:4:0", 14, "yuv440p14le"),
    ],
)
def test_pixel_format_for(yuv: str, bits: int, expected: str) -> None:
    assert pixel_format_for(yuv, bits) == expected


@pytest.mark.parametrize("yuv", ["4:1:0", "4:1:1", "4:2:0", "4:2:2", "4:4:0", "4:4:4"])
@pytest.mark.parametrize("bits", [8, 10, 12, 14, 16])
def test_pixel_format_round_trip(yuv: str, bits: int) -> None:
    assert chroma_of_pixel_format(pixel_format_for(yuv, bits)) == (yuv, bits)


@pytest.mark.parametrize(("yuv", "bits"), [("4:2:1", 8), ("420", 8), ("4:2:0", 9), ("4:2:0", 0)])
def test_pixel_format_for_rejects_unsupported(yuv: str, bits: int) -> None:
    with pytest.raises(ValueError):
        pixel_format_for(yuv, bits)


def test_samples_decode_with_expected_frame_flags() -> None:
    # Cross-check the fixture itself with raw PyAV, independent of probe_media.
    with av.open(str(MEDIA / "interlaced.ts")) as container:
        frame = next(container.decode(video=0))
        assert frame.interlaced_frame
        assert container.streams.video[0].codec_context.field_order == 2  # AV_FIELD_TT
