"""Screenshots: real JPEG frames of the video, downloaded like the other media (ETag, Range, HEAD)."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pixop_asserts import assert_error

SHOT = "/media/v1/download/screenshot"


@pytest.fixture
def ingested(upload_small_mov) -> dict:
    """small.mov (560x320) uploaded; the clock frozen (each test advances it past the ingest)."""
    return upload_small_mov(name="Shots", ingest=False)


@pytest.mark.parametrize(("size", "dimensions"), [("small", (320, 182)), ("large", (560, 320))])
def test_screenshots_are_real_jpeg_frames(pixop, pixop_client, ingested, size, dimensions) -> None:
    pixop.clock.advance(60)
    response = pixop_client.get(f"{SHOT}/{size}/{ingested['videoId']}")
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.headers["Content-Disposition"].endswith(f"small_{size}.jpg")
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "JPEG" and image.size == dimensions
    # A frame of the video, not a blank: the sample has colour and structure.
    low, high = image.convert("L").getextrema()
    assert high - low > 30


def test_screenshot_download_behaviour(pixop, pixop_client, ingested) -> None:
    pixop.clock.advance(60)
    url = f"{SHOT}/large/{ingested['videoId']}"
    full = pixop_client.get(url)
    etag = full.headers["ETag"]
    assert pixop_client.get(url, headers={"If-None-Match": etag}).status_code == 304
    ranged = pixop_client.get(url, headers={"Range": "bytes=0-9"})
    assert ranged.status_code == 206 and ranged.content == full.content[:10]
    assert ranged.headers["Content-Range"] == f"bytes 0-9/{len(full.content)}"
    head = pixop_client.head(url)
    assert head.status_code == 200 and head.content == b"" and head.headers["ETag"] == etag
    assert int(head.headers["Content-Length"]) == len(full.content)
    assert pixop_client.get(url).content == full.content  # made once, stable


def test_screenshot_before_ingestion_and_of_unknown_videos(pixop, pixop_client, ingested) -> None:
    assert_error(pixop_client.get(f"{SHOT}/small/{ingested['videoId']}"), 409, "MediaNotReadyException")
    empty = pixop_client.put("/videos/v1/video", json={}).json()
    assert_error(pixop_client.get(f"{SHOT}/small/{empty['videoId']}"), 404, "MediaNotFoundException")
    assert_error(pixop_client.get(f"{SHOT}/small/no-such-video"), 404, "VideoNotFoundException")
    assert pixop_client.get(f"{SHOT}/medium/{ingested['videoId']}").status_code == 404


def test_screenshot_of_a_processed_video_shows_the_output(pixop, pixop_client, ingested) -> None:
    pixop.clock.advance(60)
    answer = pixop_client.post(ingested["processVideoUrl"], json={"resolution": {"width": 1280, "height": 720}, "range": {"endPositionMilliseconds": 200}}).json()
    child = answer["processedVideoId"]
    assert_error(pixop_client.get(f"{SHOT}/large/{child}"), 409, "MediaNotReadyException")
    pixop.clock.advance(pixop.context.settings["process_seconds"])
    image = Image.open(io.BytesIO(pixop_client.get(f"{SHOT}/large/{child}").content))
    assert image.size == (1280, 720)
