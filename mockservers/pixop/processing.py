"""Process-video requests: every documented rule checked, unspecified outputs derived from the source."""

from __future__ import annotations

from typing import Any

from mockservers.core.errors import BadRequestError
from mockservers.core.media import pixel_format_for

CONTAINERS = ("mov", "mxf", "mp4", "mts")
CODECS = ("h264", "prores", "dnxhd", "xdcam", "hevc", "mpeg2", "ffv1")
PRORES_PROFILES = ("proxy", "lt", "standard", "hq", "4444", "4444xq")
DNXHD_PROFILES = (
    "dnxhd_lb", "dnxhd_sq", "dnxhd_hq", "dnxhd_hqx", "dnxhd_444",
    "dnxhr_lb", "dnxhr_sq", "dnxhr_hq", "dnxhr_hqx", "dnxhr_444",
)
SCANNING_TAGS = ("auto", "progressive", "interlaced_tff", "interlaced_bff")
SCANNING_TYPES = ("progressive", "interlaced")
FIELD_ORDERS = ("top_field", "bottom_field")
YUV = ("4:1:0", "4:1:1", "4:2:0", "4:2:2", "4:4:0", "4:4:4")
BITS = (8, 10, 12, 14, 16)
DEINTERLACERS = ("deint", "yadif", "bwdif", "weston3f")
DENOISERS = ("denoise", "hqdn3d")
STABILIZERS = ("dejit",)
SCALERS = ("pabsr1", "dvres", "dvres2", "scale")  # dvres2: Java client
RESOLUTION_TAGS = {"hd_1080p": (1920, 1080), "uhd_4k": (3840, 2160), "uhd_8k": (7680, 4320), "2x": 2, "3x": 3, "4x": 4, "no_scaling": 1}
ASPECT_TAGS = ("display", "storage", "16:9", "4:3")
CLARITY = ("none", "marginal", "very_low", "low", "medium", "high", "very_high")
FRC = ("fps", "fblend", "mcinterpolate", "vfi")  # vfi: Java client
FRAME_RATE_TAGS = {
    "film_ntsc": 24000 / 1001, "film": 24.0, "video_pal": 25.0, "video_ntsc": 30000 / 1001,
    "video_hd": 30.0, "video_pal_fast": 50.0, "video_ntsc_fast": 60000 / 1001, "video_hd_fast": 60.0,
    "video_uhd_fast": 120.0,  # Java client
}
# The container/codec pairs the official Java client allows; others are refused.
COMPATIBLE_CODECS = {
    "mov": ("h264", "prores", "dnxhd", "hevc", "mpeg2", "ffv1"),
    "mxf": ("h264", "xdcam", "mpeg2", "dnxhd"),
    "mp4": ("h264", "hevc"),
    "mts": ("h264", "hevc", "mpeg2"),
}
POST_PROCESSORS = ("filmgrain",)

TOP_LEVEL = {
    "mediaContainerCodec", "appleProresProfile", "dnxhdHrProfile", "scanning", "chromaSubsampling", "bitrate",
    "deinterlacer", "denoiser", "stabilizer", "scaler", "resolution", "clarityBoost", "frameRateConverter",
    "frameRate", "postProcessor", "range",
}

CONTAINER_NAMES = {
    "mov": ("mov,mp4,m4a,3gp,3g2,mj2", "QuickTime / MOV", "video/quicktime", "mov"),
    "mp4": ("mov,mp4,m4a,3gp,3g2,mj2", "QuickTime / MOV", "video/mp4", "mp4"),
    "mxf": ("mxf", "MXF (Material eXchange Format)", "application/mxf", "mxf"),
    "mts": ("mpegts", "MPEG-TS (MPEG-2 Transport Stream)", "video/mp2t", "mts"),
}
CODEC_NAMES = {
    "h264": ("h264", "H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10"),
    "prores": ("prores", "Apple ProRes (iCodec Pro)"),
    "dnxhd": ("dnxhd", "VC3/DNxHD"),
    "xdcam": ("mpeg2video", "MPEG-2 video"),
    "hevc": ("hevc", "H.265 / HEVC (High Efficiency Video Coding)"),
    "mpeg2": ("mpeg2video", "MPEG-2 video"),
    "ffv1": ("ffv1", "FFmpeg video codec #1"),
}
SOURCE_CODECS = {"h264": "h264", "hevc": "hevc", "prores": "prores", "dnxhd": "dnxhd", "mpeg2video": "mpeg2", "ffv1": "ffv1"}


def _obj(body: dict[str, Any], name: str, allowed: set[str]) -> dict[str, Any] | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise BadRequestError(f"{name} must be a JSON object", name)
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise BadRequestError(f"{name}->{unknown[0]} is not a known field; allowed: {', '.join(sorted(allowed))}", f"{name}->{unknown[0]}")
    return value


def _enum(value: Any, allowed: tuple[Any, ...] | dict[str, Any], field: str) -> Any:
    if value is None:
        return None
    if isinstance(value, bool) or value not in allowed:
        choices = ", ".join(str(a) for a in allowed)
        raise BadRequestError(f"{field} must be one of {choices}; got {value!r}", field)
    return value


def _number(value: Any, low: float, high: float, field: str, integer: bool = False) -> Any:
    if value is None:
        return None
    kinds = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds):
        raise BadRequestError(f"{field} must be {'an integer' if integer else 'a number'}; got {value!r}", field)
    if not low <= value <= high:
        raise BadRequestError(f"{field} must be between {low:g} and {high:g}; got {value!r}", field)
    return value


def _even(value: float) -> int:
    return max(2, int(round(value / 2.0)) * 2)


def plan_processing(body: Any, source: dict[str, Any]) -> dict[str, Any]:
    """Validate a process-video body against the source's metadata; return the processing plan.

    The plan holds the API's ``processingParameters`` and the output
    ``metadata`` the processed video will show.
    """
    if not isinstance(body, dict):
        raise BadRequestError("the request body must be a JSON object")
    unknown = sorted(set(body) - TOP_LEVEL)
    if unknown:
        raise BadRequestError(f"{unknown[0]} is not a known process-video field", unknown[0])

    mcc = _obj(body, "mediaContainerCodec", {"container", "codec"}) or {}
    container = _enum(mcc.get("container"), CONTAINERS, "mediaContainerCodec->container")
    codec = _enum(mcc.get("codec"), CODECS, "mediaContainerCodec->codec")
    source_container = source["containerName"]
    if container is None:
        # Seed: "container ... will be assumed based on source video metadata".
        container = "mts" if source_container == "mpegts" else "mxf" if source_container == "mxf" else "mov"
    if codec is None:
        codec = SOURCE_CODECS.get(source["codecName"], "h264")
        if codec not in COMPATIBLE_CODECS[container]:
            # The source's codec does not fit the requested container: its first codec (inferred).
            codec = COMPATIBLE_CODECS[container][0]
    if codec not in COMPATIBLE_CODECS[container]:
        raise BadRequestError(
            f"mediaContainerCodec: codec {codec} cannot be stored in container {container}; "
            f"{container} takes {', '.join(COMPATIBLE_CODECS[container])}",
            "mediaContainerCodec->codec",
        )

    prores = _enum(body.get("appleProresProfile"), PRORES_PROFILES, "appleProresProfile")
    if prores is not None and codec != "prores":
        raise BadRequestError(f"appleProresProfile is only allowed when the codec is prores (codec is {codec})", "appleProresProfile")
    dnxhd = _enum(body.get("dnxhdHrProfile"), DNXHD_PROFILES, "dnxhdHrProfile")
    if dnxhd is not None and codec != "dnxhd":
        raise BadRequestError(f"dnxhdHrProfile is only allowed when the codec is dnxhd (codec is {codec})", "dnxhdHrProfile")

    deinterlacer = _enum(body.get("deinterlacer"), DEINTERLACERS, "deinterlacer")
    denoiser = _enum(body.get("denoiser"), DENOISERS, "denoiser")
    stabilizer = _enum(body.get("stabilizer"), STABILIZERS, "stabilizer")
    scaler = _enum(body.get("scaler"), SCALERS, "scaler")
    clarity = _enum(body.get("clarityBoost"), CLARITY, "clarityBoost")
    if clarity is not None and scaler != "pabsr1":
        raise BadRequestError("clarityBoost only applies with the Pixop Super Resolution scaler (scaler: pabsr1)", "clarityBoost")
    frc = _enum(body.get("frameRateConverter"), FRC, "frameRateConverter")
    post = _enum(body.get("postProcessor"), POST_PROCESSORS, "postProcessor")

    scanning_type, field_order = _plan_scanning(body, source, deinterlacer)
    yuv, bits = _plan_chroma(body, source)
    width, height = _plan_resolution(body, source)
    fps = _plan_frame_rate(body, source)
    start_ms, end_ms = _plan_range(body, source)

    bitrate_obj = _obj(body, "bitrate", {"mbps"})
    if bitrate_obj is not None:
        mbps = _number(bitrate_obj.get("mbps"), 0.01, 4000.0, "bitrate->mbps")
        if mbps is None:
            raise BadRequestError("bitrate->mbps is required when bitrate is given", "bitrate->mbps")
        bitrate = int(round(mbps * 1_000_000))
    else:
        # Seed: bitrate is "computed automatically based on the source video
        # bitrate and target resolution" -- scale by pixels and frame rate.
        source_bitrate = source.get("bitrate") or 5_000_000
        pixels = (width * height) / max(1, source["frameWidth"] * source["frameHeight"])
        rate = fps / max(0.001, source["averageFramerate"])
        bitrate = int(min(4_000_000_000, max(100_000, source_bitrate * pixels * rate)))

    filters: list[dict[str, Any]] = []
    for name in (deinterlacer, denoiser, stabilizer):
        if name:
            filters.append({"name": name, "properties": {}})
    if scaler:
        scaled = {"targetWidth": width, "targetHeight": height}
        filters.append({"name": scaler, "properties": {**scaled, "clarityBoost": clarity} if clarity else scaled})
    if frc:
        filters.append({"name": frc, "properties": {"fps": round(fps, 3)}})
    if post:
        filters.append({"name": post, "properties": {}})

    codec_properties: dict[str, Any] = {}
    if prores:
        codec_properties["profile"] = prores
    if dnxhd:
        codec_properties["profile"] = dnxhd
    pixel_format = {"name": pixel_format_for(yuv, bits), "chromaSubsampling": {"yuv": yuv, "bits": bits}}
    duration_ms = end_ms - start_ms
    total_frames = int(round(duration_ms / 1000.0 * fps))
    size = int(bitrate * duration_ms / 8000.0)
    short_container, long_container, mime, extension = CONTAINER_NAMES[container]
    short_codec, long_codec = CODEC_NAMES[codec]
    parameters = {
        "sourceVideo": {
            "startPositionMilliseconds": _range_value(body, "startPositionMilliseconds"),
            "endPositionMilliseconds": _range_value(body, "endPositionMilliseconds"),
        },
        "targetVideo": {
            "preset": None,
            "container": {"name": container, "properties": {}},
            "codec": {"name": codec, "properties": codec_properties},
            "pixelFormat": pixel_format,
            "bitrate": bitrate,
            "frameWidth": width,
            "frameHeight": height,
            "averageFramerate": round(fps, 3),
            "scanning": {"scanningType": scanning_type, "interlacedFieldOrder": field_order},
            "videoFilters": filters,
        },
    }
    scanning_meta = {"scanningType": scanning_type, "interlacedFieldOrder": field_order}
    metadata = {
        "containerName": short_container,
        "longContainerName": long_container,
        "codecName": short_codec,
        "longCodecName": long_codec,
        "pixelFormat": pixel_format,
        "frameWidth": width,
        "frameHeight": height,
        "scanning": {"metadata": scanning_meta, "heuristics": dict(scanning_meta)},
        "displayAspectRatio": round(width / height, 4),
        "averageFramerate": round(fps, 3),
        "durationInMillis": duration_ms,
        "totalFrames": total_frames,
        "size": size,
        "videoStreamSize": int(size * 0.98),
        "bitrate": bitrate,
    }
    return {"parameters": parameters, "metadata": metadata, "mime": mime, "extension": extension}


def _range_value(body: dict[str, Any], key: str) -> int | None:
    rng = body.get("range")
    return rng.get(key) if isinstance(rng, dict) else None


def _plan_scanning(body: dict[str, Any], source: dict[str, Any], deinterlacer: str | None) -> tuple[str, str | None]:
    scanning = _obj(body, "scanning", {"tag", "scanningType", "interlacedFieldOrder"}) or {}
    tag = _enum(scanning.get("tag"), SCANNING_TAGS, "scanning->tag")
    kind = _enum(scanning.get("scanningType"), SCANNING_TYPES, "scanning->scanningType")
    order = _enum(scanning.get("interlacedFieldOrder"), FIELD_ORDERS, "scanning->interlacedFieldOrder")
    if tag is not None and (kind is not None or order is not None):
        raise BadRequestError("scanning->tag is a preset used instead of scanningType/interlacedFieldOrder; give one or the other", "scanning->tag")
    if order is not None and kind != "interlaced":
        raise BadRequestError("scanning->interlacedFieldOrder is only allowed when scanningType is interlaced", "scanning->interlacedFieldOrder")
    if kind == "interlaced":
        return "interlaced", order or "top_field"
    if kind == "progressive" or tag == "progressive":
        return "progressive", None
    if tag == "interlaced_tff":
        return "interlaced", "top_field"
    if tag == "interlaced_bff":
        return "interlaced", "bottom_field"
    # auto: keep the source's scanning unless a deinterlacer makes it progressive.
    source_scan = source["scanning"]["metadata"]
    if deinterlacer or source_scan["scanningType"] != "interlaced":
        return "progressive", None
    return "interlaced", source_scan.get("interlacedFieldOrder") or "top_field"


def _plan_chroma(body: dict[str, Any], source: dict[str, Any]) -> tuple[str, int]:
    chroma = _obj(body, "chromaSubsampling", {"yuv", "bits"}) or {}
    yuv = _enum(chroma.get("yuv"), YUV, "chromaSubsampling->yuv")
    bits = _enum(chroma.get("bits"), BITS, "chromaSubsampling->bits")
    source_chroma = source["pixelFormat"]["chromaSubsampling"]
    return yuv or source_chroma["yuv"], bits or source_chroma["bits"]


def _plan_resolution(body: dict[str, Any], source: dict[str, Any]) -> tuple[int, int]:
    sw, sh = source["frameWidth"], source["frameHeight"]
    resolution = _obj(body, "resolution", {"tag", "width", "height", "aspectRatioTag"})
    if resolution is None:
        return sw, sh
    tag = _enum(resolution.get("tag"), RESOLUTION_TAGS, "resolution->tag")
    width = _number(resolution.get("width"), 16, 7680, "resolution->width", integer=True)
    height = _number(resolution.get("height"), 16, 4320, "resolution->height", integer=True)
    aspect = _enum(resolution.get("aspectRatioTag"), ASPECT_TAGS, "resolution->aspectRatioTag")
    if tag is not None:
        if width is not None or height is not None or aspect is not None:
            raise BadRequestError(
                "resolution->tag is a preset: width, height and aspectRatioTag must not be given with it", "resolution->tag"
            )
        preset = RESOLUTION_TAGS[tag]
        if isinstance(preset, tuple):
            return preset
        return sw * preset, sh * preset
    if width is None and height is None:
        raise BadRequestError("resolution needs a tag, or a width and/or height", "resolution")
    if width is not None and height is not None:
        if aspect is not None:
            raise BadRequestError("it is a bad request to give width, height and aspectRatioTag together", "resolution->aspectRatioTag")
        return width, height
    ratio = {
        "16:9": 16 / 9,
        "4:3": 4 / 3,
        "storage": sw / sh,
        "display": source.get("displayAspectRatio") or sw / sh,
    }[aspect or "display"]
    if width is not None:
        return width, min(4320, _even(width / ratio))
    assert height is not None
    return min(7680, _even(height * ratio)), height


def _plan_frame_rate(body: dict[str, Any], source: dict[str, Any]) -> float:
    frame_rate = _obj(body, "frameRate", {"tag", "fps"})
    if frame_rate is None:
        return float(source["averageFramerate"])
    tag = _enum(frame_rate.get("tag"), FRAME_RATE_TAGS, "frameRate->tag")
    fps = _number(frame_rate.get("fps"), 0.001, 999, "frameRate->fps")
    if tag is not None and fps is not None:
        raise BadRequestError("frameRate->tag is a preset: fps must not be given with it", "frameRate->fps")
    if tag is not None:
        return FRAME_RATE_TAGS[tag]
    if fps is None:
        raise BadRequestError("frameRate->fps must be given when there is no frameRate->tag", "frameRate->fps")
    return float(fps)


def _plan_range(body: dict[str, Any], source: dict[str, Any]) -> tuple[int, int]:
    duration = int(source["durationInMillis"])
    rng = _obj(body, "range", {"startPositionMilliseconds", "endPositionMilliseconds"})
    if rng is None:
        return 0, duration
    start = _number(rng.get("startPositionMilliseconds"), 0, duration, "range->startPositionMilliseconds", integer=True)
    end = _number(rng.get("endPositionMilliseconds"), 0, duration, "range->endPositionMilliseconds", integer=True)
    start = 0 if start is None else start
    end = duration if end is None else end
    if end <= start:
        raise BadRequestError(
            f"range->endPositionMilliseconds ({end}) must be after startPositionMilliseconds ({start})", "range->endPositionMilliseconds"
        )
    return start, end
