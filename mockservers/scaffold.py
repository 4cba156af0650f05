"""``python -m mockservers.scaffold NAME``: the files of a new provider, built on the provider kit.

Writes ``mockservers/NAME/`` (app, state, errors, routes, walk), ``contracts/NAME/``
(endpoints.json and schemas) and ``fixtures/NAME/world.json`` under ``--root``
(default: this checkout), refusing to overwrite. The result serves two
documented endpoints and passes the provider-kit checks once registered in
``mockservers/registry.py`` (the command prints the line to add). Steps after
that: docs/adding-a-provider.md.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

APP = '''"""The {title} provider definition and app factory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask

from mockservers.core.emulator import EmulatorConfig, Provider
from mockservers.{name}.errors import render_error
from mockservers.{name}.routes import register_routes
from mockservers.{name}.state import {cls}State


@dataclass
class {cls}Settings:
    """{name}'s settings (``--setting {name}.KEY=VALUE``); unknown keys are refused."""

    process_seconds: float = 3.0  # how long an item takes to become ready, on the virtual clock


PROVIDER = Provider(
    name="{name}",
    title="{title}",
    default_port={port},
    state_class={cls}State,
    register_routes=register_routes,
    render_error=render_error,
    settings_class={cls}Settings,
    hosts={{"api.{name}.example": ""}},
    walk="mockservers.{name}.walk:walk",
    authenticate="mockservers.{name}.walk:authenticate",
    error_contract="error.json",
)


def create_app(config: EmulatorConfig | dict[str, Any] | None = None) -> Flask:
    """A fresh emulator's Flask app (its Emulator is ``app.extensions['mockservers']``)."""
    return PROVIDER.create_app(config)
'''

STATE = '''"""{title}: the domain, without Flask."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from mockservers.core.paths import fixtures_dir
from mockservers.core.state import BaseState
from mockservers.{name}.errors import ItemNotFound, NotAuthorized


class {cls}State(BaseState):
    """Users and items, built from the world file and the seed."""

    provider: ClassVar[str] = "{name}"
    tables: ClassVar[tuple[str, ...]] = ("users", "items")

    def default_world(self) -> dict[str, Any]:
        """The shipped world (fixtures/{name}/world.json)."""
        return json.loads((fixtures_dir() / "{name}" / "world.json").read_text())

    def build_world(self) -> None:
        """Users and items from the world; ids from the seeded generator (no clock, no settings)."""
        for user in self.world["users"]:
            self.db["users"][user["api_key"]] = dict(user)
        for index, item in enumerate(self.world["items"]):
            item_id = self.ids.uuid()
            self.db["items"][item_id] = {{"id": item_id, "name": item["name"], "position": index}}

    def credentials(self) -> dict[str, Any]:
        """The first user's API key."""
        return {{"api_key": self.world["users"][0]["api_key"]}}

    def authenticate(self, api_key: str) -> dict[str, Any]:
        """The user of an API key."""
        user = self.db["users"].get(api_key)
        if user is None:
            raise NotAuthorized("unknown API key: send the key of your account in X-Api-Key")
        return user

    def items(self) -> list[dict[str, Any]]:
        """Every item, in world order."""
        with self.lock:
            return sorted(self.db["items"].values(), key=lambda item: item["position"])

    def item(self, item_id: str) -> dict[str, Any]:
        """One item."""
        with self.lock:
            found = self.db["items"].get(item_id)
        if found is None:
            raise ItemNotFound(f"no item {{item_id}}")
        return found
'''

ERRORS = '''"""{title}'s error document: ``{{"error": {{"code", "message"}}}}``."""

from __future__ import annotations

from typing import Any

from mockservers.core.errors import ErrorParts, ProviderError, error_renderer


class NotAuthorized(ProviderError):
    """401: no or unknown API key."""

    status, code = 401, "not_authorized"


class ItemNotFound(ProviderError):
    """404: no such item."""

    status, code = 404, "not_found"


def _body(parts: ErrorParts) -> dict[str, Any]:
    return {{"error": {{"code": parts.code, "message": parts.message}}}}


render_error = error_renderer(
    _body,
    default_codes={{400: "bad_request", 401: "not_authorized", 404: "not_found", 405: "method_not_allowed"}},
    fallback_code="internal_error",
)
'''

ROUTES = '''"""{title}'s routes: thin views on the provider kit."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, jsonify, request

from mockservers.core.views import PAGE_DASH_SIZE, pagination_links, query_int, state
from mockservers.{name}.state import {cls}State

api = Blueprint("{name}", __name__, url_prefix="/v1")


def register_routes(app: Flask) -> None:
    """Mount the API."""
    app.register_blueprint(api)


def _state() -> {cls}State:
    return state()  # type: ignore[no-any-return]


def _authenticate() -> None:
    _state().authenticate(request.headers.get("X-Api-Key", ""))


@api.get("/items", provide_automatic_options=False)
def list_items() -> Response:
    """A page of items."""
    _authenticate()
    items = _state().items()
    page, size = query_int("page", 0, 0, 1_000_000), query_int("page-size", 20, 1, 100)
    links = pagination_links(request.base_url, page, size, len(items), PAGE_DASH_SIZE)
    return jsonify({{"items": items[page * size : (page + 1) * size], "total": len(items), "_links": links}})


@api.get("/items/<item_id>", provide_automatic_options=False)
def get_item(item_id: str) -> Response:
    """One item."""
    _authenticate()
    return jsonify(_state().item(item_id))
'''

WALK = '''"""The conformance walk of {title} (``mockservers contracts check {name}``)."""

from __future__ import annotations

from typing import Any

import requests


def authenticate(session: requests.Session, base_url: str, credentials: dict[str, Any]) -> requests.Response:
    """Send the API key on every call of the session."""
    session.headers["X-Api-Key"] = credentials["api_key"]
    return session.get(f"{{base_url}}/v1/items", timeout=30)


def walk(w: Any) -> None:
    """List items, get the first, and the documented errors."""
    authenticate(w.session, w.base_url, w.credentials)
    listed = w.call("GET", "/v1/items", why="list items")
    w.call("GET", "/v1/items/does-not-exist", expect=404, why="unknown item")
    if listed is not None and listed.status_code == 200 and listed.json().get("items"):
        w.call("GET", f"/v1/items/{{listed.json()['items'][0]['id']}}", why="get a listed item")
'''

ITEM = {
    "type": "object",
    "required": ["id", "name", "position"],
    "additionalProperties": False,
    "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "position": {"type": "integer"}},
}


def _contracts(name: str) -> dict[str, object]:
    link = {"type": "object", "required": ["href"], "properties": {"href": {"type": "string"}}}
    return {
        "endpoints.json": {
            "provider": name,
            "endpoints": [
                {
                    "operation": "listItems",
                    "method": "GET",
                    "path": "/v1/items",
                    "request": None,
                    "responses": {"200": "list-items.response.json", "default": "error.json"},
                },
                {
                    "operation": "getItem",
                    "method": "GET",
                    "path": "/v1/items/<item_id>",
                    "request": None,
                    "responses": {"200": "get-item.response.json", "default": "error.json"},
                },
            ],
        },
        "get-item.response.json": {"$schema": "https://json-schema.org/draft/2020-12/schema", **ITEM},
        "list-items.response.json": {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "required": ["items", "total", "_links"],
            "additionalProperties": False,
            "properties": {
                "items": {"type": "array", "items": ITEM},
                "total": {"type": "integer"},
                "_links": {"type": "object", "additionalProperties": link},
            },
        },
        "error.json": {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "required": ["error"],
            "additionalProperties": False,
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "additionalProperties": False,
                    "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                }
            },
        },
    }


def scaffold(name: str, root: Path = ROOT, title: str | None = None, port: int = 8799) -> list[Path]:
    """Write a new provider's files under ``root``; returns them. Refuses an invalid or existing name."""
    if not re.fullmatch(r"[a-z][a-z0-9]{1,30}", name):
        raise ValueError(f"the provider name must be lowercase letters and digits, starting with a letter; got {name!r}")
    package = root / "mockservers" / name
    if package.exists() or (root / "contracts" / name).exists():
        raise ValueError(f"{package} or contracts/{name} exists already; nothing was written")
    fields = {"name": name, "cls": name.capitalize(), "title": title or f"{name.capitalize()} API", "port": port}
    files: dict[Path, str] = {
        package / "__init__.py": f'"""{fields["title"]} emulator."""\n',
        package / "app.py": APP.format(**fields),
        package / "state.py": STATE.format(**fields),
        package / "errors.py": ERRORS.format(**fields),
        package / "routes.py": ROUTES.format(**fields),
        package / "walk.py": WALK.format(**fields),
        root / "fixtures" / name / "world.json": json.dumps(
            {"users": [{"api_key": f"{name}-demo-key", "name": "Demo"}], "items": [{"name": "first"}, {"name": "second"}]},
            indent=2,
        )
        + "\n",
    }
    for file_name, document in _contracts(name).items():
        files[root / "contracts" / name / file_name] = json.dumps(document, indent=2) + "\n"
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return list(files)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m mockservers.scaffold NAME [--root DIR] [--title T] [--port N]``."""
    parser = argparse.ArgumentParser(prog="python -m mockservers.scaffold", description=__doc__.splitlines()[0])
    parser.add_argument("name")
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--title")
    parser.add_argument("--port", type=int, default=8799)
    args = parser.parse_args(argv)
    try:
        written = scaffold(args.name, args.root, args.title, args.port)
    except ValueError as exc:
        print(f"mockservers scaffold: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path}")
    print(f'next: add "{args.name}": "mockservers.{args.name}.app" to PROVIDERS in mockservers/registry.py;')
    print("then docs/adding-a-provider.md (walk, machine, tests, fidelity notes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
