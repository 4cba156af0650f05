"""The seed's walk-through end to end: token, create asset, upload to S3 with boto3, ingest, callback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from mockservers.core.callbacks import CallbackReceiver
from mockservers.core.contracts import contract_set
from mockservers.core.journal import Exchange
from mockservers.validation import exchange_violations

MEDIA = Path(__file__).resolve().parents[2] / "fixtures" / "media"


def walk_through(base_url: str, credentials: dict[str, Any], callback_url: str, advance: Any) -> dict[str, Any]:
    """What a Mediabank client does, using only the credentials a user is given; returns the final asset."""
    http = requests.Session()
    # 1. Authenticate with the JWT service (form fields, as the public integration does).
    token = http.post(f"{credentials['jwt_url']}/login", data={"email": credentials["email"], "password": credentials["password"]}, timeout=10)
    assert token.status_code == 200, token.text
    http.headers.update({"Authorization": f"Bearer {token.json()['token']}", "MAP-Application": "walk-through"})
    # 2. Create an asset with metadata.
    created = http.post(f"{base_url}/asset/", json={"metadata": {"title": "Walk-through clip", "category": "News"}}, timeout=10)
    assert created.status_code == 200, created.text
    asset_id = created.json()["asset"]["id"]
    # 3. Upload the file to the configured storage with boto3.
    s3 = boto3.client(
        "s3",
        endpoint_url=credentials["s3_endpoint_url"],
        region_name=credentials["s3_region"],
        aws_access_key_id=credentials["s3_access_key_id"],
        aws_secret_access_key=credentials["s3_secret_access_key"],
    )
    s3.upload_file(str(MEDIA / "small.mov"), credentials["bucket"], f"uploads/{asset_id}/small.mov")
    # 4. Ask for an ingest with a callback.
    ingest = http.post(
        f"{base_url}/ingest/",
        data={"asset_id": asset_id, "key": f"uploads/{asset_id}/small.mov", "callback_url": callback_url},
        timeout=10,
    )
    assert ingest.status_code == 200, ingest.text
    advance(5)
    return {"asset_id": asset_id, "ingest_id": ingest.json()["ingest"]["id"], "http": http}


def _assert_outcome(base_url: str, result: dict[str, Any], receiver: CallbackReceiver) -> None:
    [callback] = receiver.wait_for(1, timeout=10)
    assert contract_set("mediabank").check("ingest-callback.json", callback.json, "callback", "body") == []
    assert callback.json["status"] == "completed" and callback.json["asset_id"] == result["asset_id"]
    asset = result["http"].get(f"{base_url}/asset/{result['asset_id']}", timeout=10).json()["asset"]
    assert asset["status"] == "ready"
    assert asset["file"]["size"] == (MEDIA / "small.mov").stat().st_size
    assert asset["file"] == callback.json["file"]


def test_walk_through_against_the_fixture(mediabank, mockservers_callback_receiver) -> None:
    mediabank.clock.freeze()
    result = walk_through(mediabank.base_url, mediabank.credentials, mockservers_callback_receiver.url, mediabank.clock.advance)
    _assert_outcome(mediabank.base_url, result, mockservers_callback_receiver)


@pytest.fixture
def mediabank_sandbox(run_sandbox):
    """`mockservers serve mediabank` on free ports (the S3 endpoint too); the --info-file JSON."""
    return run_sandbox("mediabank", "--port", "mediabank=0", "--port", "s3=0")[1]


@pytest.mark.slow
def test_walk_through_against_the_sandbox(mediabank_sandbox) -> None:
    info = mediabank_sandbox["mediabank"]
    base, credentials = info["base_url"], info["credentials"]
    assert {"email", "password", "jwt_url", "bucket", "s3_endpoint_url"} <= set(credentials)
    assert credentials["jwt_url"] == f"{base}/jwt"
    assert credentials["s3_endpoint_url"] == mediabank_sandbox["s3"]["base_url"]

    def advance(seconds: float) -> None:
        moved = requests.post(f"{base}/__admin/clock", json={"advance_seconds": seconds}, timeout=5)
        assert moved.status_code == 200

    receiver = CallbackReceiver().start()
    try:
        result = walk_through(base, credentials, receiver.url, advance)
        _assert_outcome(base, result, receiver)
    finally:
        receiver.stop()
    journal = requests.get(f"{base}/__admin/journal", params={"include_admin": "true", "include_outbound": "true"}, timeout=5).json()
    exchanges = [Exchange.from_json(e) for e in journal["entries"]]
    assert any(e.outbound and e.status == 200 for e in exchanges)
    assert exchange_violations("mediabank", exchanges) == []
