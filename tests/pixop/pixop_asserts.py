"""Assertions shared by the Pixop tests."""

from __future__ import annotations


def assert_error(response, status: int, exception: str | None = None) -> dict:
    """A Pixop failure: the status and the documented {"exception", "errorMessage"} body."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"exception", "errorMessage"}
    assert isinstance(body["exception"], str) and body["exception"].endswith("Exception")
    assert isinstance(body["errorMessage"], str) and body["errorMessage"]
    if exception is not None:
        assert body["exception"] == exception, body
    return body
