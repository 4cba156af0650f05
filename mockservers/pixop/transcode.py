"""Real processed output: the source re-encoded with PyAV into the requested container and codec.

Geometry, frame rate, clip range, pixel format and (for codecs that take one) bitrate are
those of the processing plan. What this FFmpeg build cannot produce is replaced by a
documented fallback, returned as plain sentences for the journal and the fidelity notes.
"""

from __future__ import annotations

import bisect
import os
import tempfile
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import av
import av.logging

# Pixop's container names -> FFmpeg muxers.
MUXERS = {"mov": "mov", "mp4": "mp4", "mxf": "mxf", "mts": "mpegts"}
# Pixop's codec names -> FFmpeg encoders (xdcam is MPEG-2 video, as Sony's XDCAM HD is).
ENCODERS = {
    "h264": "libx264", "hevc": "libx265", "prores": "prores_ks", "dnxhd": "dnxhd",
    "xdcam": "mpeg2video", "mpeg2": "mpeg2video", "ffv1": "ffv1",
}
# Codecs whose size is set by a profile, not by a bitrate.
PROFILE_RATED = ("prores", "dnxhd", "ffv1")
PRORES_PROFILES = {"proxy": "0", "lt": "1", "standard": "2", "hq": "3", "4444": "4", "4444xq": "5"}
# Classic DNxHD profiles only exist at fixed resolutions and bitrates: their DNxHR sibling is used.
DNXHD_TO_DNXHR = {
    "dnxhd_lb": "dnxhr_lb", "dnxhd_sq": "dnxhr_sq", "dnxhd_hq": "dnxhr_hq", "dnxhd_hqx": "dnxhr_hqx",
    "dnxhd_444": "dnxhr_444",
}
FALLBACK_CODEC = "h264"  # every container the client allows takes H.264


@dataclass
class TranscodeResult:
    """What was written, and every way it differs from the request."""

    path: str | None
    codec: str | None = None
    fallbacks: list[str] = field(default_factory=list)


def encoder_available(codec: str) -> bool:
    """Whether this FFmpeg build has an encoder for a Pixop codec name."""
    return ENCODERS[codec] in av.codecs_available


def transcode(source_path: str, plan: dict[str, Any], limits: dict[str, float]) -> TranscodeResult:
    """Encode the source as the plan asks; on a limit or an encoder failure, fall back (see the fidelity notes)."""
    target = plan["parameters"]["targetVideo"]
    container, codec = target["container"]["name"], target["codec"]["name"]
    width, height = target["frameWidth"], target["frameHeight"]
    fps = Fraction(target["averageFramerate"]).limit_denominator(1001)
    start_ms = plan["parameters"]["sourceVideo"]["startPositionMilliseconds"] or 0
    duration_ms = plan["metadata"]["durationInMillis"]
    frames = max(1, round(duration_ms / 1000.0 * fps))
    fallbacks: list[str] = []
    size = os.path.getsize(source_path)
    if size > limits["transcode_max_source_bytes"]:
        return TranscodeResult(None, None, [
            f"the source ({size} bytes) is over transcode_max_source_bytes ({int(limits['transcode_max_source_bytes'])}): "
            "the processed download is the source's own bytes",
        ])
    if width * height * frames > limits["transcode_max_output_pixels"]:
        return TranscodeResult(None, None, [
            f"the output ({width}x{height}, {frames} frames) is over transcode_max_output_pixels "
            f"({int(limits['transcode_max_output_pixels'])}): the processed download is the source's own bytes",
        ])
    if target["scanning"]["scanningType"] == "interlaced":
        fallbacks.append("interlaced output is encoded progressive (the requested scanning is in processingParameters only)")
    source_frames = _decode(source_path, start_ms, duration_ms)
    if not source_frames:
        return TranscodeResult(None, None, ["the source has no decodable frames in the clip range: the download is the source's bytes"])
    candidates = [codec] + [c for c in (FALLBACK_CODEC, "mpeg2") if c != codec]
    for attempt in candidates:
        if not encoder_available(attempt):
            fallbacks.append(f"this FFmpeg build has no {ENCODERS[attempt]} encoder for {attempt}")
            continue
        fd, out_path = tempfile.mkstemp(suffix=f".{container}", prefix="pixop-processed-")
        os.close(fd)
        try:
            notes = _encode(out_path, source_frames, container, attempt, target, width, height, fps, frames, lossless=codec == "ffv1")
        except (av.FFmpegError, ValueError, OSError) as exc:
            os.unlink(out_path)
            fallbacks.append(f"{attempt} in {container} could not be encoded here ({exc})")
            continue
        if attempt != codec:
            fallbacks.append(f"encoded as {attempt} instead of {codec}" + (" (lossless, qp 0)" if codec == "ffv1" and attempt == "h264" else ""))
        return TranscodeResult(out_path, attempt, fallbacks + notes)
    return TranscodeResult(None, None, fallbacks + ["no encoder worked: the processed download is the source's own bytes"])


def _decode(path: str, start_ms: int, duration_ms: int) -> list[tuple[float, Any]]:
    """(seconds from the clip start, frame) for every source frame in the clip range."""
    end_s = (start_ms + duration_ms) / 1000.0
    found: list[tuple[float, Any]] = []
    with av.logging.Capture(), av.open(path) as source:
        stream = source.streams.video[0]
        first = None
        for frame in source.decode(stream):
            when = float(frame.pts * stream.time_base) if frame.pts is not None else len(found) / float(stream.average_rate or 25)
            first = when if first is None else first
            offset = when - first - start_ms / 1000.0
            if offset < -1e-6 and found:
                continue
            if when - first >= end_s - 1e-6:
                break
            found.append((max(0.0, offset), frame))
    # A frame before the clip start stands for the start (the newest one is kept).
    while len(found) > 1 and found[1][0] <= 1e-6:
        found.pop(0)
    return found


def _pixel_format(encoder: str, wanted: str) -> str:
    """The requested pixel format if the encoder takes it; else one of the same chroma, else its first."""
    formats = [f.name for f in (av.codec.Codec(encoder, "w").video_formats or [])]
    if not formats or wanted in formats:
        return wanted
    chroma = wanted[3:6] if wanted.startswith("yuv") else ""
    same = [f for f in formats if f.startswith("yuv") and f[3:6] == chroma]
    return same[0] if same else formats[0]


def _encode(
    out_path: str, source_frames: list[tuple[float, Any]], container: str, codec: str, target: dict[str, Any],
    width: int, height: int, fps: Fraction, frames: int, lossless: bool,
) -> list[str]:
    notes: list[str] = []
    encoder = ENCODERS[codec]
    options: dict[str, str] = {}
    profile = target["codec"]["properties"].get("profile")
    if codec == "h264":
        options = {"preset": "ultrafast"} | ({"qp": "0"} if lossless else {})
    elif codec == "hevc":
        options = {"preset": "ultrafast", "x265-params": "log-level=error"}
    elif codec == "prores":
        options = {"profile": PRORES_PROFILES.get(profile or "standard", "2")}
    elif codec == "dnxhd":
        dnxhr = DNXHD_TO_DNXHR.get(profile or "", profile or "dnxhr_hq")
        if profile and profile != dnxhr:
            notes.append(f"DNxHD profile {profile} (fixed resolutions and bitrates) is encoded as {dnxhr}")
        options = {"profile": dnxhr}
    wanted = target["pixelFormat"]["name"]
    pix_fmt = _pixel_format(encoder, wanted)
    if codec == "dnxhd" and options["profile"] in ("dnxhr_lb", "dnxhr_sq", "dnxhr_hq"):
        pix_fmt = "yuv422p"  # these DNxHR profiles are 8-bit 4:2:2 only
    elif codec == "dnxhd" and options["profile"] == "dnxhr_444":
        pix_fmt = "yuv444p10le"
    if pix_fmt != wanted:
        notes.append(f"pixel format {wanted} is not available with {encoder}: {pix_fmt} is used")
    times = [t for t, _ in source_frames]
    with av.logging.Capture(), av.open(out_path, "w", format=MUXERS[container]) as output:
        stream = output.add_stream(encoder, rate=fps, options=options)
        stream.width, stream.height, stream.pix_fmt = width, height, pix_fmt
        frame_time_base = Fraction(1) / fps  # frame pts count frames; the encoder's time base is 1/rate
        if codec not in PROFILE_RATED and not lossless:
            stream.bit_rate = int(target["bitrate"])
        for index in range(frames):
            # Frame-rate conversion by repeating/dropping: the newest source frame at this instant.
            at = index / float(fps)
            pick = max(0, bisect.bisect_right(times, at + 1e-6) - 1)
            frame = source_frames[pick][1].reformat(width=width, height=height, format=pix_fmt)
            frame.pts, frame.time_base = index, frame_time_base
            for packet in stream.encode(frame):
                output.mux(packet)
        for packet in stream.encode():
            output.mux(packet)
    if codec in PROFILE_RATED:
        notes.append(f"{codec}'s bitrate is set by its profile, not by the requested bitrate")
    return notes
