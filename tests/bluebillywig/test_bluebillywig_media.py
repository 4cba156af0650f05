"""Every URL a clip's answer hands out downloads real media that PyAV / Pillow open, at the size it announces."""

from __future__ import annotations

import io

import av
import requests
from bluebillywig_helpers import SMALL_MOV, assert_error
from PIL import Image

from mockservers.bluebillywig.media import encoded_size


def download(url: str) -> requests.Response:
    response = requests.get(url, timeout=60)
    assert response.status_code == 200, (url, response.text[:200])
    return response


def open_video(data: bytes) -> tuple[int, int, int]:
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        return stream.codec_context.width, stream.codec_context.height, frames


def test_every_url_of_a_seeded_video_clip_is_real_media(bluebillywig, bb) -> None:
    base = bb.get("/sapi/publication").json()["defaultMediaAssetPath"]
    clip = bb.get("/sapi/mediaclip", params={"q": "mediatype:video AND status:published", "limit": 1}).json()["items"][0]
    assert clip["assets"] and clip["thumbnails"]
    for asset in clip["assets"]:
        response = download(base + asset["src"])
        assert response.headers["Content-Type"] == "video/mp4"
        width, height, frames = open_video(response.content)
        assert (width, height) == encoded_size(int(asset["width"]), int(asset["height"])) and frames >= 1
    width, height, _ = open_video(download(base + clip["src"]).content)
    assert (width, height) == encoded_size(int(clip["assets"][0]["width"]), int(clip["assets"][0]["height"]))
    for thumb in clip["thumbnails"]:
        picture = Image.open(io.BytesIO(download(base + thumb["src"]).content))
        assert picture.format == "JPEG"
        assert abs(picture.width / picture.height - int(thumb["width"]) / int(thumb["height"])) < 0.01
        resized = Image.open(io.BytesIO(download(f"{base}/image/320/180{thumb['src']}").content))
        assert resized.size == (320, 180) and resized.format == "JPEG"
    poster = Image.open(io.BytesIO(download(f"{base}/mediaclip/{clip['id']}/spthumbnail/200/100").content))
    assert poster.size == (200, 100) and poster.format == "JPEG"
    webp = Image.open(io.BytesIO(download(f"{base}/mediaclip/{clip['id']}/spthumbnail/default/90.webp").content))
    assert webp.format == "WEBP" and webp.height == 90
    # The poster is a real frame of the sample, not a flat card: it has more than a few colours.
    assert len(poster.convert("RGB").getcolors(maxcolors=1 << 16) or ()) > 16


def test_audio_clip_rendition_is_mp3(bb) -> None:
    clip = bb.get("/sapi/mediaclip", params={"q": "mediatype:audio AND status:published", "limit": 1}).json()["items"][0]
    data = download(bb.base_url + clip["assets"][0]["src"]).content
    with av.open(io.BytesIO(data)) as container:
        assert container.streams.audio[0].codec_context.name.startswith("mp3") and container.duration > 0


def test_uploaded_clip_media_is_made_from_the_upload(bluebillywig, sdk) -> None:
    bluebillywig.clock.freeze()
    result = sdk.create_mediaclip(str(SMALL_MOV), title="Mine")
    bluebillywig.clock.advance(10)
    clip = sdk.mediaclip.get(result.mediaclip_id)
    width, height, frames = open_video(download(bluebillywig.base_url + clip["assets"][0]["src"]).content)
    assert (width, height) == (int(clip["assets"][0]["width"]), int(clip["assets"][0]["height"])) and frames == 10


def test_unknown_media_is_404_and_bad_sizes_400(bb) -> None:
    assert_error(requests.get(bb.base_url + "/demo/media/2026/01/01/asset-1-2.mp4", timeout=30), 404, "no media")
    assert_error(requests.get(bb.base_url + "/other/media/2026/01/01/x.mp4", timeout=30), 404, "publication")
    clip = bb.get("/sapi/mediaclip", params={"q": "mediatype:video AND status:published", "limit": 1}).json()["items"][0]
    poster = f"{bb.base_url}/mediaclip/{clip['id']}/spthumbnail"
    assert_error(requests.get(f"{poster}/huge/10", timeout=30), 400, "width")
    assert_error(requests.get(f"{poster}/0/10", timeout=30), 400, "width must be a number of pixels (1 or more)")
    assert_error(requests.get(f"{poster}/10/%C2%B9", timeout=30), 400, "height")  # a superscript digit is not a number
    assert_error(requests.get(f"{poster}/10/-5.webp", timeout=30), 400, "height")


def test_image_sizes_above_the_limit_are_scaled_into_it_with_a_warning(bluebillywig, bb) -> None:
    # Not documented: the largest image the emulator makes, in the asked proportions (a 400 would break a page's URL).
    clip = bb.get("/sapi/mediaclip", params={"q": "mediatype:video AND status:published", "limit": 1}).json()["items"][0]
    answer = requests.get(f"{bb.base_url}/mediaclip/{clip['id']}/spthumbnail/99999/0049999.webp", timeout=30)
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "image/webp"
    assert Image.open(io.BytesIO(answer.content)).size == (2048, 1024)
    assert [w["code"] for w in bluebillywig.journal.last().warnings] == ["image-size"]
    thumbnail = clip["thumbnails"][0]["src"]
    answer = requests.get(f"{bb.base_url}/image/{'9' * 40}/default{thumbnail}", timeout=30)
    assert answer.status_code == 200 and Image.open(io.BytesIO(answer.content)).width == 2048
    assert [w["code"] for w in bluebillywig.journal.last().warnings] == ["image-size"]
