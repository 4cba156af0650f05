"""POST /v3/media: multipart uploads, url uploads from loopback only, probing, 413, bad input."""

from __future__ import annotations

from vonage_helpers import VonageClient, assert_error

from mockservers.core.emulator import EmulatorConfig
from mockservers.core.paths import fixtures_dir
from mockservers.registry import create_emulator

AUDIO = fixtures_dir() / "vonage" / "audio"
WAV = (AUDIO / "greeting.wav").read_bytes()
MP3 = (AUDIO / "ringback.mp3").read_bytes()


def test_multipart_upload_creates_an_item(vonage, client) -> None:
    vonage.clock.freeze()
    response = client.post(
        "/v3/media",
        files={"filedata": ("hello.wav", WAV, "audio/wav")},
        data={"info": '{"public": true, "metadata_primary": "greeting", "title": "Hello"}'},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["Location"] == f"{vonage.base_url}/v3/media/{body['id']}/info"
    info = client.get(response.headers["Location"]).json()
    assert info == body
    assert (info["original_file_name"], info["media_size"], info["public"], info["title"]) == ("hello.wav", len(WAV), True, "Hello")
    assert info["mime_type"] == "audio/wav"  # the part's declared type wins
    assert info["times_downloaded"] == 0 and info["time_created"] == info["time_last_updated"]
    assert client.get(f"/v3/media/{body['id']}").content == WAV
    listed = client.get("/v3/media").json()["_embedded"]["media"]
    assert listed[0]["id"] == body["id"]  # newest first


def test_upload_type_is_probed_when_not_declared(client) -> None:
    wav = client.post("/v3/media", files={"filedata": ("a.bin", WAV, "application/octet-stream")}).json()
    mp3 = client.post("/v3/media", files={"filedata": ("b.bin", MP3)}).json()
    other = client.post("/v3/media", files={"filedata": ("notes.bin", b"just some bytes")}).json()
    assert (wav["mime_type"], mp3["mime_type"], other["mime_type"]) == ("audio/vnd.wave", "audio/mpeg", "application/octet-stream")


def test_filename_and_direct_fields_and_info_mime(client) -> None:
    body = client.post(
        "/v3/media",
        files={"filedata": ("x", WAV)},
        data={"filename": "named.wav", "metadata_secondary": "42", "info": '{"mime_type": "audio/x-custom"}'},
    ).json()
    assert (body["original_file_name"], body["metadata_secondary"], body["mime_type"]) == ("named.wav", "42", "audio/x-custom")


def test_etag_is_the_content_hash(client) -> None:
    first = client.post("/v3/media", files={"filedata": ("a.wav", WAV)}).json()
    second = client.post("/v3/media", files={"filedata": ("b.wav", WAV)}).json()
    third = client.post("/v3/media", files={"filedata": ("c.mp3", MP3)}).json()
    assert first["etag"] == second["etag"] != third["etag"]
    import hashlib

    assert first["etag"] == hashlib.md5(WAV).hexdigest()


def test_upload_by_url_from_loopback(client, audio_server) -> None:
    response = client.post("/v3/media", data={"url": f"{audio_server}/greeting.wav", "info": '{"public": true}'})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["source_url"] == f"{audio_server}/greeting.wav" and body["original_file_name"] == "greeting.wav"
    assert body["media_size"] == len(WAV) and body["public"] is True
    assert client.get(f"/v3/media/{body['id']}").content == WAV
    as_json = client.post("/v3/media", json={"url": f"{audio_server}/ringback.mp3", "info": {"title": "ring"}})
    assert as_json.status_code == 201 and as_json.json()["title"] == "ring" and as_json.json()["mime_type"] == "audio/mpeg"


def test_url_upload_failures_are_clear_400s(client, audio_server) -> None:
    for url, words in (
        ("https://example.com/a.wav", "loopback"),
        ("http://10.0.0.1/a.wav", "loopback"),
        ("ftp://127.0.0.1/a.wav", "http"),
        ("not a url", "http"),
    ):
        body = assert_error(client.post("/v3/media", data={"url": url}), 400, "invalid-params")
        assert words in body["detail"], (url, body)


def test_a_url_that_gives_no_file_answers_404(vonage, client, audio_server) -> None:
    """Was a 400: the upload's documented statuses are 201/401/403/404/500, 404 "No such item" (Nexmo's docs)."""
    items = len(vonage.state.db["media"])
    for url, words in ((f"{audio_server}/missing.wav", "HTTP 404"), ("http://127.0.0.1:1/a.wav", "failed")):
        body = assert_error(client.post("/v3/media", json={"url": url}), 404, "not-found")
        assert words in body["detail"] and url in body["detail"], (url, body)
    assert len(vonage.state.db["media"]) == items


def test_bad_uploads_are_400(client, audio_server) -> None:
    assert "filedata" in assert_error(client.post("/v3/media", data={"filename": "x.wav"}), 400)["detail"]
    both = client.post("/v3/media", files={"filedata": ("a.wav", WAV)}, data={"url": f"{audio_server}/greeting.wav"})
    assert "not both" in assert_error(both, 400)["detail"]
    assert "empty" in assert_error(client.post("/v3/media", files={"filedata": ("a.wav", b"")}), 400)["detail"]
    assert_error(client.post("/v3/media", files={"filedata": ("a.wav", WAV)}, data={"info": "{oops"}), 400, "invalid-json")
    assert_error(client.post("/v3/media", files={"filedata": ("a.wav", WAV)}, data={"info": '{"public": "sure"}'}), 400, "invalid-params")
    assert "filedata" in assert_error(client.post("/v3/media", files={"file": ("a.wav", WAV)}), 400)["detail"]
    assert_error(client.post("/v3/media", data=b"raw", headers={"Content-Type": "audio/wav"}), 415, "unsupported-media-type")


def test_failed_upload_leaves_nothing_behind(vonage, client) -> None:
    blobs, items = set(vonage.blobs.keys()), len(vonage.state.db["media"])
    client.post("/v3/media", files={"filedata": ("a.wav", WAV)}, data={"info": '{"colour": "red"}'})
    assert set(vonage.blobs.keys()) == blobs and len(vonage.state.db["media"]) == items


def test_upload_needs_credentials(anonymous) -> None:
    assert_error(anonymous.post("/v3/media", files={"filedata": ("a.wav", WAV)}), 401, "unauthorized")


def test_too_large_uploads_are_413() -> None:
    emulator = create_emulator("vonage", EmulatorConfig(settings={"max_upload_bytes": 3000})).start()
    try:
        client = VonageClient(emulator, (emulator.credentials["api_key"], emulator.credentials["api_secret"]))
        assert_error(client.post("/v3/media", files={"filedata": ("a.wav", WAV)}), 413, "payload-too-large")
        small = client.post("/v3/media", files={"filedata": ("b.mp3", MP3)})
        assert small.status_code == 201, small.text
    finally:
        emulator.close()
