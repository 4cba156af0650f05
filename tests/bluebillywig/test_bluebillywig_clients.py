"""The API driven the way the PHP transport (vmsrpc) and the proof of concept's 10-digit token do it."""

from __future__ import annotations

import json
from typing import Any

import requests
from bluebillywig_helpers import BBClient, assert_error, rpctoken

from mockservers.bluebillywig.auth import totp_digits
from mockservers.core.auth.hotp import window_counter

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def totp_token(emulator: Any, offset_windows: int = 0) -> str:
    """``{keyId}-{10 digits}``: the token as Blue Billywig's proof of concept makes it."""
    creds = emulator.credentials
    return f"{creds['key_id']}-{totp_digits(creds['secret'], window_counter(emulator.clock.time(), 120) + offset_windows)}"


def vmsrpc(emulator: Any, entity: str, object_id: str | None = None, action: str = "GET",
           props: dict[str, Any] | None = None, entity_action: str | None = None) -> requests.Response:
    """What composer-vmsrpc's ``RPC::sapi()`` puts on the wire.

    With properties, ``rpctoken`` goes inside them, they are ``json_encode``d and sent as curl's
    POSTFIELDS (so ``application/x-www-form-urlencoded``); without, the token goes into the query.
    Only GET, POST and DELETE are set as the method: anything else with a body is curl's POST,
    without a body curl's GET.
    """
    uri = f"/sapi/{entity}" + (f"/{object_id}" + (f"/{entity_action}" if entity_action else "") if object_id else "")
    token = rpctoken(emulator)
    method = action if action in ("GET", "POST", "DELETE") else ("POST" if props else "GET")
    if props:
        body = json.dumps({**props, "rpctoken": token})
        return requests.request(method, emulator.base_url + uri, data=body, headers=FORM, timeout=30)
    return requests.request(method, emulator.base_url + uri, params={"rpctoken": token}, timeout=30)


def test_rfc4226_truncation_to_ten_digits() -> None:
    # RFC 4226 appendix D: secret "12345678901234567890", counters 0 and 1 give these 31-bit values.
    assert totp_digits("12345678901234567890", 0) == "1284755224"
    assert totp_digits("12345678901234567890", 1) == "1094287082"


def test_ten_digit_totp_token_in_header_query_and_windows(bluebillywig) -> None:
    bluebillywig.clock.freeze()
    client = BBClient(bluebillywig, sign=False)
    for offset in (-1, 0, 1):
        assert client.get("/sapi/mediaclip", headers={"rpctoken": totp_token(bluebillywig, offset)}).status_code == 200
    assert client.get("/sapi/mediaclip", params={"rpctoken": totp_token(bluebillywig)}).status_code == 200
    assert_error(client.get("/sapi/mediaclip", headers={"rpctoken": totp_token(bluebillywig, 3)}), 401, "3 windows ahead")
    wrong = f"{bluebillywig.credentials['key_id']}-{int(totp_token(bluebillywig).split('-')[1]) ^ 1:010d}"
    assert_error(client.get("/sapi/mediaclip", headers={"rpctoken": wrong}), 401, "does not match")
    assert_error(client.get("/sapi/mediaclip", headers={"rpctoken": "490-12345"}), 401, "10 digits")


def test_vmsrpc_creates_updates_reads_publishes_and_deletes(bluebillywig) -> None:
    created = vmsrpc(bluebillywig, "mediaclip", action="PUT", props={"title": "Via vmsrpc", "status": "draft", "cat": "coffee"})
    assert created.status_code == 200, created.text
    clip = created.json()
    assert clip["title"] == "Via vmsrpc" and clip["cat"] == ["coffee"] and "rpctoken" not in clip
    updated = vmsrpc(bluebillywig, "mediaclip", clip["id"], "PUT", {"id": clip["id"], "title": "Renamed"})
    assert updated.status_code == 200 and updated.json()["title"] == "Renamed"
    assert vmsrpc(bluebillywig, "mediaclip", clip["id"]).json()["title"] == "Renamed"
    # A body-less PUT action reaches the server as GET (curl's default).
    published = vmsrpc(bluebillywig, "mediaclip", clip["id"], "PUT", entity_action="publish")
    assert published.status_code == 200 and published.json()["status"] == "published"
    journal = requests.get(bluebillywig.base_url + "/__admin/journal", timeout=30).json()
    last = [e for e in journal["entries"] if e["path"].endswith("/publish")][-1]
    assert [w["code"] for w in last["warnings"]] == ["method"]
    deleted = vmsrpc(bluebillywig, "mediaclip", clip["id"], "DELETE")
    assert deleted.json() == {"code": "200", "body": "mediaclip was succesfully removed"}
    # Properties with a wrong token inside the body are refused like a wrong header.
    bad = requests.post(bluebillywig.base_url + "/sapi/mediaclip", data=json.dumps({"title": "x", "rpctoken": "490-" + "0" * 40}),
                        headers=FORM, timeout=30)
    assert_error(bad, 401, "does not match")


def test_vmsrpc_get_with_properties_carries_the_token_in_the_body(bluebillywig) -> None:
    response = vmsrpc(bluebillywig, "mediaclip", action="GET", props={"limit": 1})
    assert response.status_code == 200 and set(response.json()) == {"count", "numfound", "offset", "limit", "items"}


def test_post_creates_and_updates_like_put(bb) -> None:
    clip = bb.post("/sapi/mediaclip", json={"title": "Posted"}).json()
    assert bb.post(f"/sapi/mediaclip/{clip['id']}", json={"title": "Posted again"}).json()["title"] == "Posted again"
    assert bb.post("/sapi/mediaclip", json={"id": clip["id"], "description": "by body id"}).json()["description"] == "by body id"
