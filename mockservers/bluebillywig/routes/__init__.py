"""SAPI routes, one module per resource; thin views: parse -> state call -> serialize."""

from __future__ import annotations

from flask import Flask

from mockservers.bluebillywig.routes.entities import entity_routes
from mockservers.bluebillywig.routes.media import media_routes
from mockservers.bluebillywig.routes.mediaasset import mediaasset
from mockservers.bluebillywig.routes.mediaclip import mediaclip
from mockservers.bluebillywig.routes.search import search
from mockservers.bluebillywig.routes.sessions import sessions
from mockservers.bluebillywig.routes.uploads import uploads


def register_routes(app: Flask) -> None:
    """Attach every SAPI blueprint."""
    for blueprint in (sessions, mediaclip, mediaasset, search, uploads, entity_routes, media_routes):
        app.register_blueprint(blueprint)
