"""Real media behind every URL the emulator hands out: renditions, clip sources, thumbnails and posters. No Flask.

Each file is made from the clip's source (the uploaded file, or the fixture sample
for seeded clips) with PyAV and Pillow, the first time it is asked for, and kept in
a small in-process cache (a pure function of source and size). Limits keep it tiny
and fast; what happens beyond them is the documented fallback (docs/bluebillywig.md):

- a rendition keeps its announced size up to ``MAX_RENDITION_PIXELS``; a larger one
  is encoded at the largest even size within the limit with the same aspect ratio;
- a rendition holds at most ``MAX_SECONDS`` of the source, at ``FPS`` frames a second
  (H.264 in MP4 for video, MP3 for audio);
- thumbnails and posters are at most ``MAX_IMAGE_SIDE`` on a side.
"""

from __future__ import annotations

import io
import math
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

import av
from PIL import Image, ImageOps

from mockservers.core.errors import BadRequestError
from mockservers.core.paths import fixtures_dir

MAX_RENDITION_PIXELS = 1280 * 720
MAX_SECONDS = 1.0
FPS = 10
MAX_IMAGE_SIDE = 2048
SAMPLE_VIDEO = fixtures_dir() / "media" / "small.mov"
SAMPLE_AUDIO = fixtures_dir() / "media" / "tone.wav"


def sample_source(mediatype: str) -> str:
    """The fixture a seeded clip's media is made from."""
    return str(SAMPLE_AUDIO if mediatype == "audio" else SAMPLE_VIDEO)


def encoded_size(width: int, height: int) -> tuple[int, int]:
    """The size a rendition is encoded at: as announced, or scaled into the pixel limit (even numbers)."""
    width, height = max(2, width), max(2, height)
    if width * height > MAX_RENDITION_PIXELS:
        scale = math.sqrt(MAX_RENDITION_PIXELS / (width * height))
        width, height = int(width * scale), int(height * scale)
    return max(2, width - width % 2), max(2, height - height % 2)


def _frames(source: str, count: int) -> list[Image.Image]:
    """Up to ``count`` pictures from the start of the source, one per 1/FPS second (an image gives one)."""
    try:
        with Image.open(source) as still:
            return [ImageOps.exif_transpose(still).convert("RGB")]
    except (OSError, ValueError, SyntaxError):
        pass
    pictures: list[Image.Image] = []
    with av.open(source) as container:
        if not container.streams.video:
            return []
        stream = container.streams.video[0]
        next_time = 0.0
        for frame in container.decode(stream):
            when = float(frame.time or 0.0)
            if when + 1e-6 >= next_time:
                pictures.append(frame.to_image().convert("RGB"))
                next_time += 1.0 / FPS
                if len(pictures) >= count:
                    break
    return pictures


@lru_cache(maxsize=64)
def frame_at(source: str, fraction: float) -> Image.Image:
    """The picture at ``fraction`` (0..1) of the first MAX_SECONDS of the source; a grey card for audio."""
    pictures = _frames(source, int(MAX_SECONDS * FPS))
    if not pictures:
        return Image.new("RGB", (640, 360), (96, 96, 96))
    return pictures[min(len(pictures) - 1, int(fraction * len(pictures)))]


def image_bytes(picture: Image.Image, width: int | None, height: int | None, webp: bool = False) -> bytes:
    """The picture cropped to fill width x height (None: keep that side, aspect kept), as JPEG or WebP."""
    for side in (width, height):
        if side is not None and not 1 <= side <= MAX_IMAGE_SIDE:
            raise BadRequestError(f"image sides must be from 1 to {MAX_IMAGE_SIDE} pixels, or default")
    if width is None and height is None:
        out = picture.copy()
        out.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
    elif width is None or height is None:
        ratio = picture.width / picture.height
        size = (width, max(1, round(width / ratio))) if width is not None else (max(1, round(height * ratio)), height)  # type: ignore[operator]
        out = picture.resize(size, Image.Resampling.LANCZOS)
    else:
        out = ImageOps.fit(picture, (width, height), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    out.save(buffer, "WEBP" if webp else "JPEG", quality=80)
    return buffer.getvalue()


@lru_cache(maxsize=64)
def video_rendition(source: str, width: int, height: int) -> bytes:
    """An H.264 MP4 of the first MAX_SECONDS of the source at the encoded size of width x height."""
    width, height = encoded_size(width, height)
    pictures = _frames(source, int(MAX_SECONDS * FPS)) or [frame_at(source, 0.0)]
    while len(pictures) < int(MAX_SECONDS * FPS):
        pictures.append(pictures[-1])  # a still or a short source is held, so the file lasts as long
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mp4") as container:
        stream: Any = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.time_base = Fraction(1, FPS)
        # One thread and fixed options: the same input gives the same bytes.
        stream.options = {"preset": "ultrafast", "threads": "1", "crf": "32"}
        for index, picture in enumerate(pictures):
            frame = av.VideoFrame.from_image(ImageOps.fit(picture, (width, height)))
            frame.pts = index
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()


@lru_cache(maxsize=16)
def audio_rendition(source: str) -> bytes:
    """An MP3 of the first MAX_SECONDS of the source's sound (silence when it has none)."""
    buffer = io.BytesIO()
    rate = 44100
    with av.open(buffer, mode="w", format="mp3") as out:
        stream: Any = out.add_stream("libmp3lame", rate=rate)
        stream.layout = "mono"
        resampler = av.AudioResampler(format=stream.format.name, layout="mono", rate=rate)
        written = 0
        limit = int(MAX_SECONDS * rate)
        try:
            with av.open(source) as container:
                audio = container.streams.audio[0] if container.streams.audio else None
                if audio is not None:
                    for frame in container.decode(audio):
                        for chunk in resampler.resample(frame):
                            chunk.pts = written
                            written += chunk.samples
                            for packet in stream.encode(chunk):
                                out.mux(packet)
                        if written >= limit:
                            break
        except (av.FFmpegError, OSError):
            written = 0
        if written == 0:
            silence = av.AudioFrame(format="s16", layout="mono", samples=limit)
            silence.planes[0].update(bytes(silence.planes[0].buffer_size))
            silence.sample_rate = rate
            for chunk in resampler.resample(silence):
                chunk.pts = written
                written += chunk.samples
                for packet in stream.encode(chunk):
                    out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return buffer.getvalue()


def source_file(blob_path: str | None, mediatype: str) -> str:
    """The file a clip's media is made from: its uploaded source if still stored, else the fixture sample."""
    if blob_path and Path(blob_path).is_file():
        return blob_path
    return sample_source(mediatype)
