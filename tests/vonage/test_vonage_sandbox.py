"""`mockservers serve vonage`: a real process whose --info-file credentials work with Vonage's own JWT library."""

from __future__ import annotations

import pytest
import requests
from vonage_jwt import JwtClient


@pytest.mark.slow
def test_sandbox_serves_vonage_with_working_credentials(run_sandbox) -> None:
    _, info = run_sandbox("vonage", "--port", "vonage=0")
    vonage = info["vonage"]
    creds = vonage["credentials"]
    assert set(creds) == {"api_key", "api_secret", "application_id", "private_key"}
    assert creds["private_key"].startswith("-----BEGIN PRIVATE KEY-----")
    token = JwtClient(creds["application_id"], creds["private_key"]).generate_application_jwt().decode()
    listed = requests.get(f"{vonage['base_url']}/v3/media", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert listed.status_code == 200 and listed.json()["count"] > 0
    item = listed.json()["_embedded"]["media"][0]
    content = requests.get(f"{vonage['base_url']}/v3/media/{item['id']}", auth=(creds["api_key"], creds["api_secret"]), timeout=10)
    assert content.status_code == 200 and len(content.content) == item["media_size"]
