"""Vonage test helpers: a requests session bound to the emulator, error assertions, seeded-item lookups."""

from __future__ import annotations

from typing import Any

import requests

from mockservers.core.emulator import Emulator

ERROR_BASE = "https://developer.nexmo.com/api-errors#"


class VonageClient(requests.Session):
    """A requests session bound to one emulator's base URL (relative URLs allowed)."""

    def __init__(self, emulator: Emulator, auth: Any = None) -> None:
        super().__init__()
        self.base_url = emulator.base_url
        self.emulator = emulator
        self.auth = auth

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        """Relative URLs are resolved against the emulator."""
        if url.startswith("/"):
            url = self.base_url + url
        kwargs.setdefault("timeout", 10)
        return super().request(method, url, *args, **kwargs)


def assert_error(response: requests.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """A Vonage failure: the status and the RFC 7807 body with a documented type URL."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert set(body) == {"type", "title", "detail", "instance"}
    assert body["type"].startswith(ERROR_BASE)
    assert body["detail"] and body["title"]
    if code is not None:
        assert body["type"] == ERROR_BASE + code, body
    return body


def demo_items(emulator: Emulator, **where: Any) -> list[dict[str, Any]]:
    """Copies of the demo account's items matching field values, newest first."""
    account = emulator.credentials["api_key"]
    found = [
        dict(m) for m in emulator.state.db["media"].values()
        if m["account_id"] == account and all(m.get(k) == v for k, v in where.items())
    ]
    return sorted(found, key=lambda m: -m["time_created"])
