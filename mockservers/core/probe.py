"""Real media probing with PyAV: container, codec, geometry, scanning and timing facts."""

from __future__ import annotations

import copy
import mimetypes
import os
import re
import stat
import threading
from collections import OrderedDict
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from mockservers.core.extras import LazyModule

# PyAV (the 'media' extra) is imported on the first probe, so importing this module costs nothing.
av: Any = LazyModule("media", "av")

__all__ = [
    "MediaInfo",
    "NotMediaError",
    "chroma_of_pixel_format",
    "pixel_format_for",
    "probe_media",
]

# Above this size frames are not counted by demuxing (that reads the whole file);
# they come from the container index or are estimated from duration * fps instead.
DEMUX_COUNT_LIMIT_BYTES = 200 * 1024 * 1024

# A decoder that yields nothing within this many packets is looking at garbage; the
# bound keeps a bogus-but-openable file (e.g. random bytes named .mp3) cheap to reject.
MAX_PACKETS_TO_FIRST_FRAME = 64

# Decoding a couple of frames is enough to see the interlacing flags; more is wasted work.
FRAMES_TO_INSPECT = 2

# Demuxers that open things which are not audio/video for a video API: ANSI text
# art (any *.txt opens as "tty") and single still images (anything named *.jpg).
_REJECTED_FORMATS = {"tty": "a text file", "image2": "a still image", "apng": "an animated image"}

# FFmpeg's AVFieldOrder values: TT and BT display the top field first, BB and TB the bottom.
_FIELD_PROGRESSIVE = 1
_FIELD_ORDER_NAMES = {2: "top_field", 3: "bottom_field", 4: "bottom_field", 5: "top_field"}

# (horizontal, vertical) chroma subsampling factors <-> J:a:b notation.
_SUBSAMPLING_TO_YUV = {
    (1, 1): "4:4:4",
    (2, 1): "4:2:2",
    (2, 2): "4:2:0",
    (4, 1): "4:1:1",
    (4, 4): "4:1:0",
    (1, 2): "4:4:0",
}
_YUV_TO_DIGITS = {
    "4:1:0": "410",
    "4:1:1": "411",
    "4:2:0": "420",
    "4:2:2": "422",
    "4:4:0": "440",
    "4:4:4": "444",
}
_DIGITS_TO_YUV = {digits: yuv for yuv, digits in _YUV_TO_DIGITS.items()}
_SUPPORTED_BITS = (8, 10, 12, 14, 16)

# Planar YUV names follow a fixed pattern, so they are parsed without asking FFmpeg;
# that also covers combinations this FFmpeg build does not define (e.g. yuv410p10le).
_PLANAR_YUV_RE = re.compile(r"^yuva?j?(?P<digits>410|411|420|422|440|444)p(?P<bits>\d+)?(?:le|be)?$")

# Containers whose MIME type is fixed; the ISO-BMFF and Matroska families depend on the file.
_FORMAT_MIME = {
    "mpegts": "video/mp2t",
    "mpeg": "video/mpeg",
    "mpegvideo": "video/mpeg",
    "m4v": "video/mp4",
    "avi": "video/x-msvideo",
    "flv": "video/x-flv",
    "asf": "video/x-ms-asf",
    "mxf": "application/mxf",
    "gxf": "video/x-gxf",
    "dv": "video/x-dv",
    "h264": "video/h264",
    "hevc": "video/h265",
    "wav": "audio/wav",
    "w64": "audio/x-w64",
    "aiff": "audio/aiff",
    "mp3": "audio/mpeg",
    "aac": "audio/aac",
    "flac": "audio/flac",
    "ac3": "audio/ac3",
    "eac3": "audio/eac3",
    "amr": "audio/amr",
    "au": "audio/basic",
    "caf": "audio/x-caf",
}
_ISOBMFF_EXT_MIME = {
    ".mov": "video/quicktime",
    ".qt": "video/quicktime",
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".m4a": "audio/mp4",
    ".m4b": "audio/mp4",
    ".3gp": "video/3gpp",
    ".3g2": "video/3gpp2",
    ".mj2": "video/mj2",
}


class NotMediaError(Exception):
    """The file could not be parsed as audio/video; str(exc) is a human-readable reason."""


@dataclass(frozen=True)
class MediaInfo:
    """Facts about one media file, named after the fields the emulated APIs report."""

    container_name: str
    long_container_name: str
    mime_type: str
    has_video: bool
    codec_name: str | None
    long_codec_name: str | None
    pixel_format: str | None
    chroma_yuv: str | None
    chroma_bits: int | None
    frame_width: int | None
    frame_height: int | None
    scanning_type: str | None
    field_order: str | None
    average_framerate: float | None
    duration_ms: int
    total_frames: int
    size: int
    video_stream_size: int
    bit_rate: int | None
    display_aspect_ratio: float | None
    audio_codec_name: str | None
    audio_sample_rate: int | None
    audio_channels: int | None


def chroma_of_pixel_format(pix_fmt: str) -> tuple[str, int]:
    """Return (J:a:b subsampling, bits per component) for a YUV or gray pixel format; ValueError otherwise.

    Planar YUV names are parsed directly ("yuv422p10le" -> ("4:2:2", 10)); other names
    FFmpeg knows (nv12, p010le, yuyv422, y210le, ...) are described via PyAV. Gray formats
    give ("4:0:0", bits). RGB, palette, Bayer and unknown names raise ValueError rather than
    guessing, because a made-up "4:2:0" would be silently wrong in API responses.
    """
    name = pix_fmt.strip().lower()
    match = _PLANAR_YUV_RE.match(name)
    if match:
        return _DIGITS_TO_YUV[match["digits"]], int(match["bits"] or 8)
    try:
        fmt = av.video.format.VideoFormat(name, 64, 64)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"unknown pixel format: {pix_fmt!r}") from exc
    components = fmt.components
    if fmt.is_rgb or fmt.has_palette or fmt.is_bayer or fmt.is_bit_stream or not components:
        raise ValueError(f"not a YUV pixel format: {pix_fmt!r}")
    luma_bits = components[0].bits
    # Note: PyAV's VideoFormatComponent.is_chroma returns FFmpeg's log2 subsampling
    # (0 for 4:4:4), not a bool, so chroma planes are found by position and luma/alpha flags.
    chroma = [c for c in components[1:] if not c.is_alpha and not c.is_luma]
    if not chroma:
        return "4:0:0", luma_bits
    key = (fmt.width // max(chroma[0].width, 1), fmt.height // max(chroma[0].height, 1))
    if key not in _SUBSAMPLING_TO_YUV:
        raise ValueError(f"unsupported chroma subsampling in pixel format: {pix_fmt!r}")
    return _SUBSAMPLING_TO_YUV[key], luma_bits


def pixel_format_for(yuv: str, bits: int) -> str:
    """Return the FFmpeg-style planar name, e.g. ("4:2:2", 10) -> "yuv422p10le"; ValueError if unsupported."""
    digits = _YUV_TO_DIGITS.get(yuv.strip())
    if digits is None:
        raise ValueError(f"unsupported chroma subsampling {yuv!r}; expected one of {sorted(_YUV_TO_DIGITS)}")
    if bits not in _SUPPORTED_BITS:
        raise ValueError(f"unsupported bit depth {bits!r}; expected one of {_SUPPORTED_BITS}")
    # FFmpeg only spells out the bit depth and (native little) endianness above 8 bits.
    return f"yuv{digits}p" if bits == 8 else f"yuv{digits}p{bits}le"


# Probe results by (path, mtime_ns, size, inode): a world seeding thousands of items from the same
# few fixture files probes each once. Bounded; a rewritten file changes the key.
_PROBE_CACHE: OrderedDict[tuple[str, int, int, int], MediaInfo | NotMediaError] = OrderedDict()
_PROBE_CACHE_MAX = 256
_PROBE_LOCK = threading.Lock()


def probe_media(path: str | os.PathLike[str]) -> MediaInfo:
    """Probe a file with PyAV and describe it; raise NotMediaError if it is not audio/video."""
    file_path = Path(path)
    # A missing file is a caller bug, not bad media, so FileNotFoundError propagates.
    st = file_path.stat()
    key = (str(file_path.resolve()), st.st_mtime_ns, st.st_size, st.st_ino)
    with _PROBE_LOCK:
        cached = _PROBE_CACHE.get(key)
    if cached is None:
        try:
            cached = _probe_uncached(file_path, st)
        except NotMediaError as exc:
            cached = exc
        with _PROBE_LOCK:
            _PROBE_CACHE[key] = cached
            while len(_PROBE_CACHE) > _PROBE_CACHE_MAX:
                _PROBE_CACHE.popitem(last=False)
    if isinstance(cached, NotMediaError):
        raise NotMediaError(str(cached))
    # MediaInfo is handed to callers that may adjust it: each gets its own copy.
    return copy.copy(cached)


def _probe_uncached(file_path: Path, st: os.stat_result) -> MediaInfo:
    if not stat.S_ISREG(st.st_mode):
        raise NotMediaError("not a regular file")
    if st.st_size == 0:
        raise NotMediaError("the file is empty")
    _silence_ffmpeg()
    try:
        container = av.open(str(file_path), mode="r")
    except Exception as exc:  # noqa: BLE001 - PyAV raises many types (FFmpegError, OSError, ValueError...) on garbage
        raise NotMediaError(f"not a recognised audio or video container: {_reason(exc)}") from exc
    try:
        return _describe(container, file_path, st.st_size)
    except NotMediaError:
        raise
    except Exception as exc:  # noqa: BLE001 - a container that opens can still fail anywhere while read
        raise NotMediaError(f"the media could not be read: {_reason(exc)}") from exc
    finally:
        container.close()


def _silence_ffmpeg() -> None:
    """Make sure FFmpeg's log output is dropped rather than written to stderr."""
    # PyAV starts silent, but other code may have raised the level; probing garbage is noisy.
    if av.logging.get_level() is not None:
        av.logging.set_level(None)


def _reason(exc: BaseException) -> str:
    """Return a short human-readable reason for a PyAV failure, without the file path."""
    strerror = getattr(exc, "strerror", None)
    text = strerror if isinstance(strerror, str) and strerror else str(exc)
    return text or type(exc).__name__


def _describe(container: Any, file_path: Path, size: int) -> MediaInfo:
    """Build the MediaInfo for an opened input container."""
    fmt = container.format
    container_name: str = fmt.name
    if container_name in _REJECTED_FORMATS or container_name.endswith("_pipe"):
        kind = _REJECTED_FORMATS.get(container_name, "a still image")
        raise NotMediaError(f"not a recognised audio or video container: detected {kind} ({container_name})")

    video = _first_decodable(container.streams.video)
    audio = _first_decodable(container.streams.audio)
    if video is None and audio is None:
        raise NotMediaError("not a recognised audio or video container: no audio or video streams found")

    duration_ms = _duration_ms(container, video or audio)
    bit_rate = container.bit_rate or None
    if not bit_rate and duration_ms > 0:
        bit_rate = size * 8 * 1000 // duration_ms

    audio_codec_name = audio_sample_rate = audio_channels = None
    if audio is not None:
        actx = audio.codec_context
        audio_codec_name = _codec_short_name(audio)
        audio_sample_rate = actx.sample_rate or None
        audio_channels = actx.channels or None
        if video is None:
            # Audio-only is valid media, but prove the payload decodes: random bytes
            # named *.mp3 open fine and would otherwise pass as an MPEG audio file.
            _require_decodable(container, audio)

    common: dict[str, Any] = dict(
        container_name=container_name,
        long_container_name=fmt.long_name,
        mime_type=_mime_type(container, file_path, has_video=video is not None),
        duration_ms=duration_ms,
        size=size,
        bit_rate=int(bit_rate) if bit_rate else None,
        audio_codec_name=audio_codec_name,
        audio_sample_rate=audio_sample_rate,
        audio_channels=audio_channels,
    )
    if video is None:
        return MediaInfo(
            has_video=False,
            codec_name=None,
            long_codec_name=None,
            pixel_format=None,
            chroma_yuv=None,
            chroma_bits=None,
            frame_width=None,
            frame_height=None,
            scanning_type=None,
            field_order=None,
            average_framerate=None,
            total_frames=0,
            video_stream_size=0,
            display_aspect_ratio=None,
            **common,
        )

    vctx = video.codec_context
    width = vctx.width or None
    height = vctx.height or None
    fps = _frame_rate(video)
    scanning_type, field_order, total_frames, video_stream_size = _scan_video(
        container, video, size, duration_ms, fps
    )
    # Read after decoding: the decoder may fill in a pix_fmt the demuxer could not see.
    pixel_format = vctx.pix_fmt or None
    chroma_yuv, chroma_bits = _chroma_or_none(pixel_format)

    return MediaInfo(
        has_video=True,
        codec_name=_codec_short_name(video),
        long_codec_name=_codec_long_name(video),
        pixel_format=pixel_format,
        chroma_yuv=chroma_yuv,
        chroma_bits=chroma_bits,
        frame_width=width,
        frame_height=height,
        scanning_type=scanning_type,
        field_order=field_order,
        average_framerate=fps,
        total_frames=total_frames,
        video_stream_size=video_stream_size,
        display_aspect_ratio=_display_aspect_ratio(video, width, height),
        **common,
    )


def _chroma_or_none(pixel_format: str | None) -> tuple[str | None, int | None]:
    """Return chroma_of_pixel_format(), or (None, None) for RGB and other non-YUV formats."""
    if not pixel_format:
        return None, None
    try:
        return chroma_of_pixel_format(pixel_format)
    except ValueError:
        return None, None


def _first_decodable(streams: Any) -> Any | None:
    """Return the first stream that has a codec context (cover art and data tracks are skipped)."""
    for stream in streams:
        if stream.codec_context is None:
            continue
        # Embedded cover art shows up as a one-picture "video" stream; it is not video.
        if stream.disposition & av.stream.Disposition.attached_pic:
            continue
        return stream
    return None


def _codec_short_name(stream: Any) -> str:
    """Return the codec's short name as ffprobe prints it (e.g. "mp3", not decoder "mp3float")."""
    # codec_context.name is the decoder's name; the codec descriptor name is the stable one.
    descriptor = getattr(stream.codec_context, "codec", None)
    return str(getattr(descriptor, "canonical_name", None) or stream.codec_context.name)


def _codec_long_name(stream: Any) -> str | None:
    """Return the codec descriptor's long name, e.g. "H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10"."""
    descriptor = getattr(stream.codec_context, "codec", None)
    return getattr(descriptor, "long_name", None) or None


def _duration_ms(container: Any, stream: Any) -> int:
    """Return the whole-file duration in milliseconds, falling back to the main stream's duration."""
    if container.duration:
        # Container durations are in AV_TIME_BASE (microsecond) units.
        return max(int(round(container.duration / 1000)), 0)
    if stream is not None and stream.duration and stream.time_base:
        return max(int(round(float(stream.duration * stream.time_base) * 1000)), 0)
    return 0


def _frame_rate(video: Any) -> float | None:
    """Return the average frame rate, or FFmpeg's guess when the container does not record one."""
    for rate in (video.average_rate, video.guessed_rate, video.base_rate):
        if rate:
            return float(rate)
    return None


def _scan_video(
    container: Any, video: Any, size: int, duration_ms: int, fps: float | None
) -> tuple[str, str | None, int, int]:
    """Return (scanning_type, field_order, total_frames, video_stream_size) from one demux pass.

    The first frames are decoded for the interlacing flags; the rest of the packets are only
    counted, and only when the file is small enough for a full read to be cheap. One pass
    avoids seeking back, which some containers (e.g. raw or damaged transport streams) do badly.
    """
    count_all = size < DEMUX_COUNT_LIMIT_BYTES
    interlaced = False
    decoded = 0
    packets = 0
    stream_bytes = 0
    try:
        for packet in container.demux(video):
            if packet.size:  # size-0 packets are end-of-stream flush markers
                packets += 1
                stream_bytes += packet.size
            if decoded < FRAMES_TO_INSPECT:
                if decoded == 0 and packets > MAX_PACKETS_TO_FIRST_FRAME:
                    break  # treated as undecodable below
                for frame in _decode_packet(packet):
                    decoded += 1
                    interlaced = interlaced or frame.interlaced_frame
            elif not count_all:
                break
        if decoded == 0 and packets <= MAX_PACKETS_TO_FIRST_FRAME:
            # Short files can end before the decoder's reorder delay lets a frame out.
            decoded += sum(1 for frame in video.codec_context.decode(None) if frame is not None)
    except Exception as exc:  # noqa: BLE001 - decoder errors on garbage come in many types
        raise NotMediaError(f"the video stream could not be decoded: {_reason(exc)}") from exc
    if decoded == 0:
        raise NotMediaError("the video stream could not be decoded: no frames in the first packets")

    # The decoder (or find_stream_info) records field order on the context; PyAV does not expose
    # the frame's top_field_first flag, so this is the only place tff/bff can be read from.
    order = video.codec_context.field_order
    if order in _FIELD_ORDER_NAMES:
        interlaced = True
    if interlaced:
        # Interlaced with no recorded order: top field first is by far the most common (PAL/HD).
        scanning, field_order = "interlaced", _FIELD_ORDER_NAMES.get(order, "top_field")
    else:
        scanning, field_order = "progressive", None

    if count_all:
        return scanning, field_order, (video.frames or packets), stream_bytes
    # Large file: an in-memory index (e.g. the MP4 sample table) is exact and costs no I/O.
    entries = video.index_entries
    if len(entries):
        return scanning, field_order, (video.frames or len(entries)), sum(entry.size for entry in entries)
    estimated_frames = video.frames or (int(round(duration_ms / 1000 * fps)) if fps else 0)
    stream_rate = video.codec_context.bit_rate
    estimated_bytes = stream_rate * duration_ms // 8000 if stream_rate and duration_ms else size
    return scanning, field_order, estimated_frames, min(int(estimated_bytes), size)


def _decode_packet(packet: Any) -> list[Any]:
    """Decode one packet, treating a corrupt packet as producing no frames."""
    try:
        return list(packet.decode())
    except av.error.InvalidDataError:
        # A few corrupt packets are normal at the start of broadcast streams; keep going.
        return []


def _require_decodable(container: Any, stream: Any) -> None:
    """Raise NotMediaError unless the stream yields a decoded frame within the first packets."""
    try:
        for packets, packet in enumerate(container.demux(stream), start=1):
            if _decode_packet(packet):
                return
            if packets >= MAX_PACKETS_TO_FIRST_FRAME:
                break
    except Exception as exc:  # noqa: BLE001 - decoder errors on garbage come in many types
        raise NotMediaError(f"the audio stream could not be decoded: {_reason(exc)}") from exc
    raise NotMediaError("the audio stream could not be decoded: no frames in the first packets")


def _display_aspect_ratio(video: Any, width: int | None, height: int | None) -> float | None:
    """Return width/height scaled by the sample aspect ratio (square pixels if it is unknown)."""
    if not width or not height:
        return None
    sar = video.sample_aspect_ratio or video.codec_context.sample_aspect_ratio
    pixel_aspect = Fraction(sar) if sar else Fraction(1)
    return float(Fraction(width, height) * pixel_aspect)


def _mime_type(container: Any, file_path: Path, *, has_video: bool) -> str:
    """Return a best-guess MIME type from the detected container, refined by extension or brand."""
    name: str = container.format.name
    ext = file_path.suffix.lower()
    if name.startswith("mov,"):
        if ext in _ISOBMFF_EXT_MIME:
            return _ISOBMFF_EXT_MIME[ext]
        # Without a telling extension, the ftyp major brand separates QuickTime from MP4.
        brand = str(container.metadata.get("major_brand", "")).strip()
        if brand == "qt":
            return "video/quicktime"
        return "video/mp4" if has_video else "audio/mp4"
    if name.startswith("matroska"):
        if ext == ".webm":
            return "video/webm" if has_video else "audio/webm"
        return "video/x-matroska" if has_video else "audio/x-matroska"
    if name == "ogg":
        return "video/ogg" if has_video else "audio/ogg"
    if name == "asf" and ext in (".wmv", ".wma"):
        return "video/x-ms-wmv" if ext == ".wmv" else "audio/x-ms-wma"
    if name in _FORMAT_MIME:
        return _FORMAT_MIME[name]
    guessed, _ = mimetypes.guess_type(file_path.name)
    return guessed or "application/octet-stream"
