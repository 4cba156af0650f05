"""The Blue Billywig SAPI provider definition and app factory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask

from mockservers.bluebillywig.errors import render_error
from mockservers.bluebillywig.routes import register_routes
from mockservers.bluebillywig.state import BlueBillywigState
from mockservers.core.emulator import EmulatorConfig, Provider


@dataclass
class BlueBillywigSettings:
    """bluebillywig's settings (``--setting bluebillywig.KEY=VALUE``, ``mockservers_config``); unknown keys are refused."""

    transcode_seconds: float = 5.0  # upload -> clip playable


PROVIDER = Provider(
    name="bluebillywig",
    title="Blue Billywig SAPI (mediaclip, mediaasset, search, uploads)",
    default_port=8703,
    state_class=BlueBillywigState,
    register_routes=register_routes,
    render_error=render_error,
    settings_class=BlueBillywigSettings,
    default_settings={"transcode_seconds": 5.0},
    uses_s3=True,
    # Each publication has its own host, https://{publication}.bbvms.com (SDK README).
    hosts={"*.bbvms.com": ""},
)


def create_app(config: EmulatorConfig | dict[str, Any] | None = None) -> Flask:
    """A fresh emulator's Flask app (its Emulator is ``app.extensions['mockservers']``)."""
    return PROVIDER.create_app(config)
