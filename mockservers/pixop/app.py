"""The Pixop provider definition and app factory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask

from mockservers.core.emulator import EmulatorConfig, Provider
from mockservers.pixop.errors import render_error
from mockservers.pixop.routes import register_routes
from mockservers.pixop.state import DEFAULT_SETTINGS, PixopState


@dataclass
class PixopSettings:
    """pixop's settings (``--setting pixop.KEY=VALUE``, ``mockservers_config``); unknown keys are refused."""

    ingest_seconds: float = 3.0  # upload -> ingested, on the virtual clock
    process_seconds: float = 4.0  # processing start -> done
    # Transcoding limits: above them the processed download is the source's bytes (docs/pixop.md).
    transcode_max_source_bytes: int = 64 * 1024 * 1024
    transcode_max_output_pixels: int = 1920 * 1080 * 50  # width x height x frames: 2 s of 1080p at 25 fps
    transcode_wait_seconds: float = 120.0  # a status read past the end waits this long for the worker


PROVIDER = Provider(
    name="pixop",
    title="Pixop Video Processing API v1",
    default_port=8701,
    state_class=PixopState,
    register_routes=register_routes,
    render_error=render_error,
    settings_class=PixopSettings,
    default_settings=dict(DEFAULT_SETTINGS),
    hosts={"staging-api.pixop.com": "", "api.pixop.com": ""},
)


def create_app(config: EmulatorConfig | dict[str, Any] | None = None) -> Flask:
    """A fresh emulator's Flask app (its Emulator is ``app.extensions['mockservers']``)."""
    return PROVIDER.create_app(config)
