"""The request's Mediaflow state (typed) and base URL, shared by the API views and the host stand-ins."""

from __future__ import annotations

from flask import request

from mockservers.core import views
from mockservers.mediaflow.state import MediaflowState


def state() -> MediaflowState:
    """The emulator's Mediaflow state."""
    found: MediaflowState = views.state()
    return found


def base_url() -> str:
    """Absolute URLs point at the host the client used."""
    return request.host_url.rstrip("/")
