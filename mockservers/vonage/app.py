"""The Vonage provider definition and app factory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask

from mockservers.core.emulator import EmulatorConfig, Provider
from mockservers.vonage.errors import render_error
from mockservers.vonage.routes import register_routes
from mockservers.vonage.state import VonageState


@dataclass
class VonageSettings:
    """vonage's settings (``--setting vonage.KEY=VALUE``, ``mockservers_config``); unknown keys are refused."""

    max_upload_bytes: int = 100 * 1024 * 1024  # Vonage documents no limit; this emulator's (inferred)
    url_fetch_timeout: float = 5.0  # seconds to wait on a media URL given for ingest


PROVIDER = Provider(
    name="vonage",
    title="Vonage Media API v3",
    default_port=8702,
    state_class=VonageState,
    register_routes=register_routes,
    render_error=render_error,
    settings_class=VonageSettings,
    # max_upload_bytes: Vonage documents no limit; 100 MiB is this emulator's (inferred, see docs/vonage.md).
    default_settings={"max_upload_bytes": 100 * 1024 * 1024, "url_fetch_timeout": 5.0},
    # The seeds' host, Vonage's newer one, and the regional hosts other Vonage APIs hand out media URLs on
    # (api-us.nexmo.com, api-eu.nexmo.com, api-ap.nexmo.com, ...; e.g. the Messages API's inbound media).
    hosts={"api.nexmo.com": "", "api.vonage.com": "", "api-*.nexmo.com": "", "api-*.vonage.com": ""},
)


def create_app(config: EmulatorConfig | dict[str, Any] | None = None) -> Flask:
    """A fresh emulator's Flask app (its Emulator is ``app.extensions['mockservers']``)."""
    return PROVIDER.create_app(config)
