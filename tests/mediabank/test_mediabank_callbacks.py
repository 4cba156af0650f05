"""Ingest callbacks: a real POST to callback_url on success or failure, retried with backoff, given up, journaled."""

from __future__ import annotations

import requests
from mediabank_helpers import MEDIA

from mockservers.core.contracts import contract_set
from mockservers.validation import exchange_violations


def _check_payload(payload: dict) -> None:
    assert contract_set("mediabank").check("ingest-callback.json", payload, "callback", "body") == []


def _callback_state(mb_client, ingest_id: str) -> dict:
    return mb_client.get(f"/ingest/{ingest_id}").json()["ingest"]["callback"]


def test_callback_on_success(mediabank, mb_client, upload, mockservers_callback_receiver) -> None:
    asset = mb_client.create_asset()
    ingest = mb_client.ingest(asset["id"], upload("clip.mov", "small.mov"), callback_url=mockservers_callback_receiver.url)
    mediabank.clock.advance(4.9)
    assert mediabank.callbacks.wait_idle()
    assert mockservers_callback_receiver.requests == []  # nothing before the end
    mediabank.clock.advance(0.1)
    [received] = mockservers_callback_receiver.wait_for(1)
    payload = received.json
    _check_payload(payload)
    assert (payload["event"], payload["status"], payload["ingest_id"], payload["asset_id"]) == (
        "ingest.completed", "completed", ingest["id"], asset["id"],
    )
    assert payload["file"]["size"] == (MEDIA / "small.mov").stat().st_size
    assert received.headers["X-Mediabank-Event"] == "ingest.completed"
    assert mediabank.callbacks.wait_until(lambda: _callback_state(mb_client, ingest["id"])["status"] == "delivered")
    state = _callback_state(mb_client, ingest["id"])
    assert [a["status"] for a in state["attempts"]] == [200]


def test_callback_on_failure(mediabank, mb_client, mockservers_callback_receiver) -> None:
    asset = mb_client.create_asset()
    ingest = mb_client.ingest(asset["id"], "not/there.mov", callback_url=mockservers_callback_receiver.url)
    mediabank.clock.advance(1)
    [received] = mockservers_callback_receiver.wait_for(1)
    _check_payload(received.json)
    assert received.json["event"] == "ingest.failed" and received.json["ingest_id"] == ingest["id"]
    assert "could not be read" in received.json["reason"] and received.json["file"] is None


def test_retries_with_backoff_until_delivered(mediabank, mb_client, upload, mockservers_callback_receiver) -> None:
    mockservers_callback_receiver.fail_next(2, status=503)
    asset = mb_client.create_asset()
    ingest = mb_client.ingest(asset["id"], upload("clip.mov", "small.mov"), callback_url=mockservers_callback_receiver.url)
    mediabank.clock.advance(5)
    assert mediabank.callbacks.wait_until(lambda: len(_callback_state(mb_client, ingest["id"])["attempts"]) == 1)
    state = _callback_state(mb_client, ingest["id"])
    assert state["status"] == "pending" and state["attempts"][0]["status"] == 503
    assert state["next_attempt_at"] is not None
    mediabank.clock.advance(10)  # first backoff step
    assert mediabank.callbacks.wait_until(lambda: len(_callback_state(mb_client, ingest["id"])["attempts"]) == 2)
    mediabank.clock.advance(29)
    assert mediabank.callbacks.wait_idle()
    assert len(mockservers_callback_receiver.requests) == 2  # second backoff step (30 s) not over yet
    mediabank.clock.advance(1)
    assert mediabank.callbacks.wait_until(lambda: _callback_state(mb_client, ingest["id"])["status"] == "delivered")
    assert [a["status"] for a in _callback_state(mb_client, ingest["id"])["attempts"]] == [503, 503, 200]
    # Every attempt is in the journal as an outbound exchange; provider checks skip them.
    outbound = mediabank.journal.outbound()
    assert [(e.method, e.path, e.status) for e in outbound] == [("POST", mockservers_callback_receiver.url, s) for s in (503, 503, 200)]
    assert all(e.request_json["ingest_id"] == ingest["id"] for e in outbound)
    assert not any(e.outbound for e in mediabank.journal.entries(include_admin=True))


def test_receiver_down_then_back(mediabank, mb_client, upload, mockservers_callback_receiver) -> None:
    mockservers_callback_receiver.go_down()
    asset = mb_client.create_asset()
    ingest = mb_client.ingest(asset["id"], upload("clip.mov", "small.mov"), callback_url=mockservers_callback_receiver.url)
    mediabank.clock.advance(5)
    assert mediabank.callbacks.wait_until(lambda: len(_callback_state(mb_client, ingest["id"])["attempts"]) == 1)
    first = _callback_state(mb_client, ingest["id"])["attempts"][0]
    assert first["status"] == 0 and "refused" in first["error"].lower()
    mockservers_callback_receiver.come_up()
    mediabank.clock.advance(10)
    [received] = mockservers_callback_receiver.wait_for(1)
    assert received.json["status"] == "completed"


def test_gives_up_after_five_attempts(mediabank, mb_client, upload, mockservers_callback_receiver) -> None:
    mockservers_callback_receiver.fail_always(500)
    asset = mb_client.create_asset()
    ingest = mb_client.ingest(asset["id"], upload("clip.mov", "small.mov"), callback_url=mockservers_callback_receiver.url)
    mediabank.clock.advance(5)
    for attempts, backoff in ((1, 10), (2, 30), (3, 60), (4, 120)):
        assert mediabank.callbacks.wait_until(lambda n=attempts: len(_callback_state(mb_client, ingest["id"])["attempts"]) == n)
        mediabank.clock.advance(backoff)
    assert mediabank.callbacks.wait_until(lambda: _callback_state(mb_client, ingest["id"])["status"] == "failed")
    mediabank.clock.advance(3600)
    assert mediabank.callbacks.wait_idle()
    assert len(mockservers_callback_receiver.requests) == 5
    mb_client.login()  # an hour of virtual time outlived the token
    state = _callback_state(mb_client, ingest["id"])
    assert [a["status"] for a in state["attempts"]] == [500] * 5 and state["next_attempt_at"] is None
    # The ingest itself succeeded: a callback failure does not undo it.
    assert mb_client.get(f"/asset/{asset['id']}").json()["asset"]["file"] is not None


def test_admin_journal_shows_outbound_on_request(mediabank, mb_client, upload, mockservers_callback_receiver) -> None:
    asset = mb_client.create_asset()
    mb_client.ingest(asset["id"], upload("clip.mov", "small.mov"), callback_url=mockservers_callback_receiver.url)
    mediabank.clock.advance(5)
    mockservers_callback_receiver.wait_for(1)
    assert mediabank.callbacks.wait_idle()
    default = requests.get(f"{mediabank.base_url}/__admin/journal", timeout=5).json()
    assert not any(e["outbound"] for e in default["entries"])
    wanted = requests.get(f"{mediabank.base_url}/__admin/journal", params={"include_outbound": "true"}, timeout=5).json()
    outbound = [e for e in wanted["entries"] if e["outbound"]]
    assert len(outbound) == 1 and outbound[0]["path"] == mockservers_callback_receiver.url and outbound[0]["status"] == 200
    # The admin contract accepts outbound entries too.
    from mockservers.core.journal import Exchange

    assert exchange_violations("mediabank", [Exchange.from_json(e) for e in wanted["entries"]]) == []


def test_reset_stops_pending_retries(mediabank, mb_client, upload, mockservers_callback_receiver) -> None:
    mockservers_callback_receiver.fail_always(500)
    asset = mb_client.create_asset()
    mb_client.ingest(asset["id"], upload("clip.mov", "small.mov"), callback_url=mockservers_callback_receiver.url)
    mediabank.clock.advance(5)
    mockservers_callback_receiver.wait_for(1)
    assert mediabank.callbacks.wait_idle()
    mediabank.reset()
    mediabank.clock.advance(600)
    assert mediabank.callbacks.wait_idle()
    assert len(mockservers_callback_receiver.requests) == 1
    assert mediabank.journal.outbound() == []


def test_a_callback_url_with_non_ascii_characters_is_delivered(mediabank, mb_client, upload, mockservers_callback_receiver) -> None:
    """Fuzz: urllib refused non-ASCII URLs ("ordinal not in range(128)"); they go percent-encoded, as requests sends them."""
    url = mockservers_callback_receiver.url + "/kanal-\u00e6?navn=S\u00f8r"
    asset = mb_client.create_asset()
    ingest = mb_client.ingest(asset["id"], upload("clip.mov", "small.mov"), callback_url=url)
    mediabank.clock.advance(5)
    [received] = mockservers_callback_receiver.wait_for(1)
    assert received.json["ingest_id"] == ingest["id"]
    assert received.path.encode("latin-1").decode("utf-8").endswith("/kanal-\u00e6")
    assert mediabank.callbacks.wait_until(lambda: _callback_state(mb_client, ingest["id"])["status"] == "delivered")
    assert _callback_state(mb_client, ingest["id"])["url"] == url  # answered as the client gave it
