"""Hostile and broken input (issue 12): no file leaves the fixtures, no 500, no hang."""

from __future__ import annotations

import base64
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from mockservers.core.auth.hotp import hotp_hex, window_counter
from mockservers.core.emulator import Emulator, load_world
from mockservers.core.paths import fixtures_dir

DEEP = "[" * 100_000 + "]" * 100_000


def vonage_fixture(name: str) -> Path:
    """A shipped Vonage audio file."""
    return fixtures_dir() / "vonage" / "audio" / name


def pixop_fixture() -> Path:
    """The shipped small video."""
    return fixtures_dir() / "media" / "small.mov"


def _admin(emulator: Emulator, method: str, path: str, **kwargs: Any) -> requests.Response:
    return requests.request(method, f"{emulator.base_url}/__admin{path}", timeout=30, **kwargs)


@pytest.fixture
def restore_worlds(pixop: Emulator, vonage: Emulator) -> Iterator[None]:
    """A test that reseeds puts the configured worlds back."""
    yield
    for emulator in (pixop, vonage):
        emulator.reseed(seed=emulator.config.seed, world=load_world(emulator.config.world) or emulator.state.default_world())


# -- 1. files outside the project ------------------------------------------------------------------
def test_snapshot_with_a_fixture_reference_outside_fixtures_is_refused_and_changes_nothing(pixop: Emulator) -> None:
    snapshot = _admin(pixop, "GET", "/state").json()
    video = next(v for v in snapshot["db"]["videos"].values() if v.get("upload"))
    before = json.dumps(snapshot, sort_keys=True)
    video["upload"]["blobKey"] = "fixture:../../../../etc/hostname"
    video["name"] = "changed by a refused restore"
    response = _admin(pixop, "PUT", "/state", json=snapshot)
    assert response.status_code == 400, response.text
    assert "blobKey" in response.json()["error"] and "outside" in response.json()["error"]
    assert "/etc" not in response.json()["error"].replace("../../../../etc/hostname", "")
    assert json.dumps(_admin(pixop, "GET", "/state").json(), sort_keys=True) == before


def test_vonage_snapshot_climbing_out_of_fixtures_is_refused(vonage: Emulator) -> None:
    snapshot = _admin(vonage, "GET", "/state").json()
    item = next(iter(snapshot["db"]["media"].values()))
    item["blob_key"] = "fixture:vonage/../../../../../etc/hostname"
    response = _admin(vonage, "PUT", "/state", json=snapshot)
    assert response.status_code == 400, response.text
    assert "blob_key" in response.json()["error"]


def test_seed_world_with_pixop_media_outside_fixtures_is_a_400_naming_the_field(pixop: Emulator, restore_worlds: None) -> None:
    world = pixop.state.default_world()
    world["projects"][0]["videos"][0]["media"] = "../../../../etc/hostname"
    response = _admin(pixop, "POST", "/seed", json={"world": world})
    assert response.status_code == 400, response.text
    assert "projects[].videos[].media" in response.json()["error"]


def test_seed_world_with_vonage_audio_outside_fixtures_is_a_400(vonage: Emulator, restore_worlds: None) -> None:
    world = vonage.state.default_world()
    for bad in ("../../../../../etc/hostname", "/etc/hostname", "missing.wav"):
        world["audio"] = [bad]
        response = _admin(vonage, "POST", "/seed", json={"world": world})
        assert response.status_code == 400, response.text
        message = response.json()["error"]
        assert "audio[]" in message
        assert "/work" not in message and "/home" not in message  # no absolute path of this machine


def test_seed_world_with_an_absolute_key_path_is_refused(vonage: Emulator, restore_worlds: None) -> None:
    world = vonage.state.default_world()
    world["accounts"][0]["applications"][0]["private_key"] = "/etc/hostname"
    response = _admin(vonage, "POST", "/seed", json={"world": world})
    assert response.status_code == 400, response.text
    assert "private_key" in response.json()["error"]


# -- 2. the clock ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "body",
    ['{"advance_seconds": 1e12}', '{"advance_seconds": NaN}', '{"advance_seconds": Infinity}',
     '{"set": "9999-12-31T23:59:59Z"}', '{"set": "1900-01-01T00:00:00Z"}'],
)
def test_clock_values_out_of_range_are_a_400_and_the_emulator_keeps_answering(pixop: Emulator, body: str) -> None:
    before = pixop.clock.time()
    response = _admin(pixop, "POST", "/clock", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert pixop.clock.time() - before < 5  # not moved
    answer = requests.get(f"{pixop.base_url}/accounts/v1/token", timeout=10)
    assert answer.status_code == 401 and answer.headers["Date"]


def test_clock_can_reach_the_far_end_of_its_range_and_still_format_dates(pixop: Emulator) -> None:
    response = _admin(pixop, "POST", "/clock", json={"set": "2999-12-31T23:00:00Z", "freeze": True})
    assert response.status_code == 200, response.text
    answer = requests.get(f"{pixop.base_url}/accounts/v1/token", timeout=10)
    assert "2999" in answer.headers["Date"]
    entries = _admin(pixop, "GET", "/journal").json()["entries"]
    assert entries[-1]["time"].startswith("2999-12-31T23")
    assert _admin(pixop, "POST", "/clock", json={"advance_seconds": 7200}).status_code == 400


# -- 3. JSON depth -----------------------------------------------------------------------------------
def _deep(emulator: Emulator, method: str, path: str, headers: dict[str, str] | None = None) -> requests.Response:
    headers = {"Content-Type": "application/json", **(headers or {})}
    return requests.request(method, emulator.base_url + path, data=DEEP, headers=headers, timeout=30)


def _journal_ok(emulator: Emulator) -> None:
    response = _admin(emulator, "GET", "/journal")
    assert response.status_code == 200, response.text
    last = response.json()["entries"][-1]
    assert "json" not in last["request_body"]


def test_deep_json_is_pixops_400(pixop: Emulator, pixop_client: Any) -> None:
    response = _deep(pixop, "PUT", "/videos/v1/project", {"Authorization": pixop_client.headers["Authorization"]})
    assert response.status_code == 400, response.text
    assert response.json()["exception"]
    _journal_ok(pixop)


def test_deep_json_is_vonages_400(vonage: Emulator) -> None:
    item = next(iter(vonage.state.db["media"].values()))
    creds = vonage.credentials
    response = requests.put(
        f"{vonage.base_url}/v3/media/{item['id']}", data=DEEP, headers={"Content-Type": "application/json"},
        auth=(creds["api_key"], creds["api_secret"]), timeout=30,
    )
    assert response.status_code == 400, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")
    _journal_ok(vonage)


def test_deep_json_is_blue_billywigs_400(bluebillywig: Emulator) -> None:
    creds = bluebillywig.credentials
    token = f"{creds['key_id']}-{hotp_hex(creds['secret'], window_counter(bluebillywig.clock.time(), 120))}"
    response = _deep(bluebillywig, "PUT", "/sapi/mediaclip", {"rpctoken": token})
    assert response.status_code == 400, response.text
    _journal_ok(bluebillywig)


def _mediaflow_token(mediaflow: Emulator) -> str:
    creds = mediaflow.credentials
    response = requests.get(f"{mediaflow.base_url}/1/oauth2/token", params={
        "grant_type": "refresh_token", "client_id": creds["client_id"], "client_secret": creds["client_secret"],
        "refresh_token": creds["refresh_token"],
    }, timeout=10)
    return response.json()["access_token"]


def test_deep_json_is_mediaflows_400(mediaflow: Emulator) -> None:
    response = _deep(mediaflow, "POST", "/1/file", {"Authorization": f"Bearer {_mediaflow_token(mediaflow)}"})
    assert response.status_code == 400, response.text
    _journal_ok(mediaflow)


def _mediabank_headers(mediabank: Emulator) -> dict[str, str]:
    creds = mediabank.credentials
    app = {"MAP-Application": "mockservers-tests"}
    response = requests.post(f"{mediabank.base_url}/jwt/login", data={"email": creds["email"], "password": creds["password"]},
                             headers=app, timeout=10)
    return {**app, "Authorization": f"Bearer {response.json()['token']}"}


def test_deep_json_is_mediabanks_400_also_in_the_metadata_form_field(mediabank: Emulator) -> None:
    headers = _mediabank_headers(mediabank)
    response = _deep(mediabank, "POST", "/asset/", headers)
    assert response.status_code == 400, response.text
    response = requests.post(f"{mediabank.base_url}/asset/", data={"metadata": DEEP}, headers=headers, timeout=30)
    assert response.status_code == 400, response.text
    assert "metadata" in response.text
    _journal_ok(mediabank)


def test_deep_json_is_an_admin_400_and_the_journal_keeps_working(pixop: Emulator) -> None:
    for path in ("/clock", "/faults", "/seed"):
        response = requests.post(f"{pixop.base_url}/__admin{path}", data=DEEP, headers={"Content-Type": "application/json"}, timeout=30)
        assert response.status_code == 400, (path, response.text)
    response = _admin(pixop, "GET", "/journal", params={"include_admin": "true"})
    assert response.status_code == 200


# -- 4. header values from user input ---------------------------------------------------------------
def test_vonage_filename_with_crlf_downloads_with_an_encoded_content_disposition(vonage: Emulator) -> None:
    creds = vonage.credentials
    auth = (creds["api_key"], creds["api_secret"])
    name = "evil\r\nSet-Cookie: x=1.wav"
    wav = (vonage_fixture("greeting.wav")).read_bytes()
    created = requests.post(f"{vonage.base_url}/v3/media", files={"filedata": ("a.wav", wav, "audio/wav")},
                            data={"filename": name}, auth=auth, timeout=10)
    assert created.status_code == 201, created.text
    download = requests.get(f"{vonage.base_url}/v3/media/{created.json()['id']}", auth=auth, timeout=10)
    assert download.status_code == 200, download.text
    disposition = download.headers["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition and "Set-Cookie" not in download.headers
    assert "filename*=UTF-8''evil%0D%0ASet-Cookie" in disposition


def test_pixop_rfc2231_filename_with_crlf_downloads(pixop: Emulator, pixop_client: Any) -> None:
    project = pixop_client.put("/videos/v1/project", json={"name": "Header test"}).json()["project"]
    video = pixop_client.put("/videos/v1/video", json={"projectId": project["id"], "name": "v"}).json()
    video_id = video.get("video", video).get("id") or video["videoId"]
    media = pixop_fixture().read_bytes()
    boundary = "XyZ"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename*=UTF-8''a%0D%0Ab.mov\r\n"
            f"Content-Type: video/quicktime\r\n\r\n").encode() + media + f"\r\n--{boundary}--\r\n".encode()
    upload = pixop_client.post(f"/media/v1/upload/light/{video_id}", data=body,
                               headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert upload.status_code == 200, upload.text
    download = pixop_client.get(f"/media/v1/download/original/{video_id}")
    assert download.status_code == 200, download.text
    assert "\n" not in download.headers["Content-Disposition"]
    assert download.content == media


# -- 5. URLs ---------------------------------------------------------------------------------------
def test_vonage_malformed_url_literal_is_a_400(vonage: Emulator) -> None:
    creds = vonage.credentials
    response = requests.post(f"{vonage.base_url}/v3/media", data={"url": "http://[oops/"},
                             auth=(creds["api_key"], creds["api_secret"]), timeout=10)
    assert response.status_code == 400, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")


@pytest.mark.parametrize(("url", "fragment"), [("http://[oops/", "not a valid URL"), ("https://example.com/hook", "refused")])
def test_mediabank_callback_url_malformed_or_off_loopback_is_a_400(mediabank: Emulator, url: str, fragment: str) -> None:
    headers = _mediabank_headers(mediabank)
    asset = requests.post(f"{mediabank.base_url}/asset/", json={"metadata": {"title": "x"}}, headers=headers, timeout=10)
    body = {"asset_id": asset.json()["asset"]["id"], "key": "k.mov", "callback_url": url}
    response = requests.post(f"{mediabank.base_url}/ingest/", json=body, headers=headers, timeout=10)
    assert response.status_code == 400, response.text
    assert "callback_url" in response.text and fragment in response.text


# -- 6. malformed chunked bodies -------------------------------------------------------------------
def _raw_chunked(emulator: Emulator, method: str, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    host, port = emulator.base_url.split("//", 1)[1].rsplit(":", 1)
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Transfer-Encoding: chunked", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode() + b"zz\r\nhello\r\n0\r\n\r\n"
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    found = dict(line.split(": ", 1) for line in header_lines)
    return int(status_line.split(" ")[1]), found, body


def test_malformed_chunked_body_is_pixops_400(pixop: Emulator, pixop_client: Any) -> None:
    status, headers, body = _raw_chunked(pixop, "PUT", "/videos/v1/project", {
        "Authorization": pixop_client.headers["Authorization"], "Content-Type": "application/json"})
    assert status == 400, body
    assert json.loads(body)["exception"]


def test_malformed_chunked_body_is_vonages_400(vonage: Emulator) -> None:
    creds = vonage.credentials
    basic = base64.b64encode(f"{creds['api_key']}:{creds['api_secret']}".encode()).decode()
    status, headers, body = _raw_chunked(vonage, "POST", "/v3/media", {
        "Authorization": f"Basic {basic}", "Content-Type": "multipart/form-data; boundary=x"})
    assert status == 400, body
    assert headers["Content-Type"].startswith("application/problem+json")


def test_malformed_chunked_body_is_mediaflows_400(mediaflow: Emulator) -> None:
    status, headers, body = _raw_chunked(mediaflow, "POST", "/1/file", {
        "Authorization": f"Bearer {_mediaflow_token(mediaflow)}", "Content-Type": "application/json"})
    assert status == 400, body
    assert headers["Content-Type"].startswith("application/json")


# -- 8. admin Host check, Allow --------------------------------------------------------------------
@pytest.mark.parametrize("host", ["evil.example", "attacker.test:8701", "127.0.0.1.evil.example"])
def test_admin_refuses_a_foreign_host_header(pixop: Emulator, host: str) -> None:
    response = requests.post(f"{pixop.base_url}/__admin/reset", headers={"Host": host}, timeout=10)
    assert response.status_code == 403, response.text
    assert response.json()["status"] == 403 and "Host" in response.json()["error"]


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]:1234", "LOCALHOST.:80"])
def test_admin_accepts_loopback_host_headers(pixop: Emulator, host: str) -> None:
    assert requests.get(f"{pixop.base_url}/__admin/clock", headers={"Host": host}, timeout=10).status_code == 200


def test_admin_host_allow_list_from_the_environment(pixop: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCKSERVERS_ADMIN_HOSTS", "emulators.internal")
    assert requests.get(f"{pixop.base_url}/__admin/clock", headers={"Host": "emulators.internal:8701"}, timeout=10).status_code == 200


def test_admin_405_carries_allow(pixop: Emulator) -> None:
    response = requests.get(f"{pixop.base_url}/__admin/reset", timeout=10)
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


def test_blue_billywig_options_on_mediaclip_new_lists_its_own_methods(bluebillywig: Emulator) -> None:
    response = requests.options(f"{bluebillywig.base_url}/sapi/mediaclip/new", timeout=10)
    assert response.status_code == 200
    assert {m.strip() for m in response.headers["Allow"].split(",")} == {"OPTIONS", "POST"}
    bluebillywig.journal.clear()  # OPTIONS is HTTP machinery, not an endpoint of the contracts


# -- 9. Range headers a server may ignore ------------------------------------------------------------
@pytest.mark.parametrize("value", ["bytes=abc", "bytes=0-1,3-4", "items=0-3", "bytes=5-2"])
def test_unusable_range_is_ignored_with_a_fidelity_warning(vonage: Emulator, value: str) -> None:
    creds = vonage.credentials
    item = next(iter(vonage.state.db["media"].values()))
    response = requests.get(f"{vonage.base_url}/v3/media/{item['id']}", headers={"Range": value},
                            auth=(creds["api_key"], creds["api_secret"]), timeout=10)
    assert response.status_code == 200 and len(response.content) == vonage.blobs.get(item["blob_key"]).size
    entry = _admin(vonage, "GET", "/journal").json()["entries"][-1]
    assert [w["code"] for w in entry["warnings"]] == ["range-ignored"]


def test_a_satisfiable_single_range_still_gets_206_and_an_unsatisfiable_one_416(vonage: Emulator) -> None:
    creds = vonage.credentials
    item = next(iter(vonage.state.db["media"].values()))
    url, auth = f"{vonage.base_url}/v3/media/{item['id']}", (creds["api_key"], creds["api_secret"])
    assert requests.get(url, headers={"Range": "bytes=0-9"}, auth=auth, timeout=10).status_code == 206
    assert requests.get(url, headers={"Range": "bytes=99999999-"}, auth=auth, timeout=10).status_code == 416
