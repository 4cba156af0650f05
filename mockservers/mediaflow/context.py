"""The request's Mediaflow state and base URL, shared by the API views and the host stand-ins."""

from __future__ import annotations

from flask import current_app, request

from mockservers.mediaflow.state import MediaflowState


def state() -> MediaflowState:
    """The emulator's Mediaflow state."""
    return current_app.extensions["mockservers"].state


def base_url() -> str:
    """Absolute URLs point at the host the client used."""
    return request.host_url.rstrip("/")
