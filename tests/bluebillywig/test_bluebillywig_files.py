"""Images, subtitles and documents through the official Python SDK's upload_file (TUS -> S3 -> complete)."""

from __future__ import annotations

import io

import bb_sapi
import pytest
import requests
from bluebillywig_helpers import create_clip
from PIL import Image


def test_png_becomes_an_image_clip_with_real_thumbnails(bluebillywig, sdk, bb, tmp_path) -> None:
    path = tmp_path / "logo.png"
    Image.new("RGB", (64, 48), (200, 30, 30)).save(path)
    result = sdk.upload_file(str(path), title="Logo")
    assert result.content_type == "image/png"
    clip = bb.get("/sapi/mediaclip", params={"q": "mediatype:image"}).json()["items"][0]
    found = sdk.mediaclip.get(clip["id"])
    assert found["mediatype"] == "image" and (found["width"], found["height"]) == (64, 48)
    original = requests.get(bluebillywig.base_url + found["src"], timeout=30)
    assert original.headers["Content-Type"] == "image/png" and original.content == path.read_bytes()
    thumb = Image.open(io.BytesIO(requests.get(bluebillywig.base_url + "/image/32/24" + found["thumbnails"][0]["src"], timeout=30).content))
    assert thumb.size == (32, 24) and thumb.convert("RGB").getpixel((16, 12))[0] > 150


def test_subtitle_attaches_to_its_clip(bluebillywig, sdk, bb, tmp_path) -> None:
    clip = create_clip(bb)
    path = tmp_path / "english.vtt"
    path.write_text("WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n", encoding="utf-8")
    sdk.upload_file(str(path), mediaclip_id=clip["id"])
    subtitles = bb.get("/sapi/subtitle", params={"mediaclipid": clip["id"]}).json()["items"]
    assert [s["name"] for s in subtitles] == ["english"]
    served = requests.get(bluebillywig.base_url + subtitles[0]["src"], timeout=30)
    assert served.status_code == 200 and served.text.startswith("WEBVTT")


def test_document_and_refused_files(bluebillywig, sdk, bb, tmp_path) -> None:
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    sdk.upload_file(str(pdf))
    clip = bb.get("/sapi/mediaclip", params={"q": "mediatype:document"}).json()["items"][0]
    assert clip["originalfilename"] == "brief.pdf"
    assert requests.get(bluebillywig.base_url + clip["src"], timeout=30).content == pdf.read_bytes()
    fake = tmp_path / "fake.png"
    fake.write_bytes(b"not an image at all")
    with pytest.raises(bb_sapi.SapiError):
        sdk.upload_file(str(fake))
    bad_vtt = tmp_path / "bad.vtt"
    bad_vtt.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(bb_sapi.SapiError):
        sdk.upload_file(str(bad_vtt))

