"""The Mediaflow provider definition and app factory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask

from mockservers.core.emulator import EmulatorConfig, Provider
from mockservers.mediaflow.errors import render_error
from mockservers.mediaflow.hosts import hosts
from mockservers.mediaflow.routes import api
from mockservers.mediaflow.state import MediaflowState


def register_routes(app: Flask) -> None:
    """Attach the API and the stand-ins for the upload, preview and icon hosts."""
    app.register_blueprint(api)
    app.register_blueprint(hosts)


@dataclass
class MediaflowSettings:
    """mediaflow's settings (``--setting mediaflow.KEY=VALUE``, ``mockservers_config``); unknown keys are refused."""

    process_seconds: float = 3.0  # upload -> file processed


PROVIDER = Provider(
    name="mediaflow",
    title="Mediaflow customer API v1",
    default_port=8704,
    state_class=MediaflowState,
    register_routes=register_routes,
    render_error=render_error,
    settings_class=MediaflowSettings,
    default_settings={"process_seconds": 3.0},
    # The API host, and the seed's upload, preview and icon hosts, whose paths the emulator
    # serves as /up/..., /inviewer/{info|skiss}/... and /images/icon{id}.gif.
    hosts={
        "api.mediaflow.com": "",
        "accounts.mediaflow.com": "",
        "customerapi.mediaflowpro.com": "",
        "ftp*.inviewer.se": "",
        "im*.inviewer.se": "/inviewer",
        "static.mediaflowpro.com": "",
    },
)


def create_app(config: EmulatorConfig | dict[str, Any] | None = None) -> Flask:
    """A fresh emulator's Flask app (its Emulator is ``app.extensions['mockservers']``)."""
    return PROVIDER.create_app(config)
