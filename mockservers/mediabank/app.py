"""The Mediabank provider definition and app factory."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Flask

from mockservers.core.emulator import EmulatorConfig, Provider
from mockservers.mediabank.errors import render_error
from mockservers.mediabank.routes import register_routes
from mockservers.mediabank.state import MediabankState


@dataclass
class MediabankSettings:
    """mediabank's settings (``--setting mediabank.KEY=VALUE``, ``mockservers_config``); unknown keys are refused."""

    ingest_seconds: float = 5.0  # ingest start -> asset ready
    token_ttl_seconds: int = 3600  # lifetime of a JWT service token
    callback_max_attempts: int = 5  # deliveries tried per callback
    callback_backoff_seconds: list[float] = field(default_factory=lambda: [10, 30, 60, 120])  # waits between attempts
    # Hosts beyond loopback that callback_url may name ("*": any); the emulators never reach the internet by default.
    callback_allowed_hosts: list[str] = field(default_factory=list)


PROVIDER = Provider(
    name="mediabank",
    title="NEP Mediabank MAP API v3 (with its JWT service)",
    default_port=8705,
    state_class=MediabankState,
    register_routes=register_routes,
    render_error=render_error,
    settings_class=MediabankSettings,
    default_settings={
        "ingest_seconds": 5.0,
        "token_ttl_seconds": 3600,
        "callback_max_attempts": 5,
        "callback_backoff_seconds": [10, 30, 60, 120],
        "callback_allowed_hosts": [],  # beyond loopback; "*" allows any (see README limitations)
    },
    uses_s3=True,
    # The JWT service lives on its own host; the emulator serves it under /jwt.
    hosts={"map-api-*.mediabank.me": "", "jwt.mediabank.me": "/jwt"},
)


def create_app(config: EmulatorConfig | dict[str, Any] | None = None) -> Flask:
    """A fresh emulator's Flask app (its Emulator is ``app.extensions['mockservers']``)."""
    return PROVIDER.create_app(config)
