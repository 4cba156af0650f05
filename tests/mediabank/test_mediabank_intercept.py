"""Mediabank's real hostnames (MAP API and its JWT service) routed in-process to the emulator."""

from __future__ import annotations

import requests


def test_jwt_service_and_map_api_by_their_real_hosts(mockservers_intercept) -> None:
    mediabank = mockservers_intercept["mediabank"]
    creds = mediabank.credentials
    login = requests.post("https://jwt.mediabank.me/login", data={"email": creds["email"], "password": creds["password"]}, timeout=10)
    assert login.status_code == 200
    headers = {"Authorization": f"Bearer {login.json()['token']}", "MAP-Application": "intercept-test"}
    listed = requests.get("https://map-api-eu1.mediabank.me/asset/", headers=headers, timeout=10)
    assert listed.status_code == 200
    assert listed.json()["assets"]
    # Both hosts landed in the same emulator: the JWT service under /jwt, the MAP API at the root.
    assert [e.path for e in mediabank.journal.entries()] == ["/jwt/login", "/asset/"]
