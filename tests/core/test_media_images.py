"""Still-image probing and JPEG preview rendering (core/media.py, Pillow + PyAV)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from mockservers.core.media import (
    NotImageError,
    NotMediaError,
    probe_image,
    probe_visual_size,
    render_preview_jpeg,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SAMPLES = FIXTURES / "mediaflow" / "media"


@pytest.mark.parametrize(
    ("name", "size", "fmt", "mime", "ext"),
    [
        ("landscape-960x540.jpg", (960, 540), "JPEG", "image/jpeg", "jpg"),
        ("square-320x320.png", (320, 320), "PNG", "image/png", "png"),
        ("icon-128x128.gif", (128, 128), "GIF", "image/gif", "gif"),
    ],
)
def test_probe_image_reads_geometry_and_format(name, size, fmt, mime, ext) -> None:
    info = probe_image(SAMPLES / name)
    assert (info.width, info.height) == size
    assert (info.format, info.mime_type, info.extension) == (fmt, mime, ext)


def test_probe_image_rejects_video_and_garbage() -> None:
    with pytest.raises(NotImageError):
        probe_image(FIXTURES / "media" / "small.mov")
    with pytest.raises(NotMediaError):  # NotImageError is a NotMediaError
        probe_image(FIXTURES / "media" / "not_media.bin")


def test_probe_visual_size_covers_images_and_video_but_not_audio() -> None:
    assert probe_visual_size(SAMPLES / "portrait-400x600.jpg") == (400, 600)
    assert probe_visual_size(FIXTURES / "media" / "small.mov") == (560, 320)
    assert probe_visual_size(FIXTURES / "media" / "tone.wav") is None
    assert probe_visual_size(FIXTURES / "media" / "not_media.bin") is None


@pytest.mark.parametrize(("name", "box", "expected"), [
    ("landscape-960x540.jpg", 200, (200, 113)),
    ("portrait-400x600.jpg", 150, (100, 150)),
    ("icon-128x128.gif", 600, (128, 128)),  # never upscaled
    ("square-320x320.png", 64, (64, 64)),
])
def test_render_preview_of_an_image(name, box, expected) -> None:
    data = render_preview_jpeg(SAMPLES / name, box)
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and image.mode == "RGB"
    assert image.size == expected


def test_render_preview_of_a_transparent_png_has_a_white_background(tmp_path) -> None:
    source = tmp_path / "logo.png"
    Image.new("RGBA", (40, 20), (0, 0, 0, 0)).save(source)
    image = Image.open(io.BytesIO(render_preview_jpeg(source, 100)))
    assert image.getpixel((5, 5)) >= (250, 250, 250)


def test_render_preview_of_a_video_is_its_first_frame() -> None:
    image = Image.open(io.BytesIO(render_preview_jpeg(FIXTURES / "media" / "small.mov", 280)))
    assert image.format == "JPEG" and image.size == (280, 160)


@pytest.mark.parametrize("name", ["tone.wav", "not_media.bin"])
def test_render_preview_refuses_files_without_a_picture(name) -> None:
    with pytest.raises(NotMediaError):
        render_preview_jpeg(FIXTURES / "media" / name, 100)
