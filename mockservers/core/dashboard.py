"""The web dashboard: ``GET /__admin/ui`` on every emulator, and the sandbox's home page.

Plain HTML/CSS/JS from ``core/static`` (no build step, nothing fetched from elsewhere). The page
reads only the admin API (state, journal, clock, faults) plus ``/__admin/jobs`` and
``/__admin/ui/auth`` defined here.
"""

from __future__ import annotations

import html
from importlib import resources
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify

from mockservers.core.jobs import job_view
from mockservers.core.protocols import EmulatorLike

dashboard_blueprint = Blueprint("mockservers_dashboard", __name__, url_prefix="/__admin")

_STATIC = {"dashboard.js": "text/javascript", "dashboard.css": "text/css"}
# Record keys naming when a clock-driven job started (pixop, bluebillywig, mediabank spellings).
_START_KEYS = ("startedAt", "started", "created")


def register(app: Flask) -> None:
    """Add the dashboard and the snapshot archive routes to an emulator's app."""
    from mockservers.persistence import snapshot_blueprint

    app.register_blueprint(dashboard_blueprint)
    app.register_blueprint(snapshot_blueprint)


def _static(name: str) -> str:
    return resources.files("mockservers.core").joinpath("static", name).read_text(encoding="utf-8")


def _emulator() -> EmulatorLike:
    return current_app.extensions["mockservers"]


def _job(start: Any, job: dict[str, Any]) -> bool:
    numbers = (int, float)
    return isinstance(job.get("duration"), numbers) and isinstance(start, numbers) and not isinstance(start, bool)


def jobs_of(emulator: EmulatorLike) -> list[dict[str, Any]]:
    """Every clock-driven job in the state (a record, or a record's field, with a start and a duration)."""
    now = emulator.clock.time()
    found: list[dict[str, Any]] = []
    with emulator.state.lock:
        for table, records in emulator.state.db.items():
            for record_id, record in records.items():
                if not isinstance(record, dict):
                    continue
                candidates = [("", record)] + [(k, v) for k, v in record.items() if isinstance(v, dict)]
                for field, job in candidates:
                    start = next((job[k] for k in _START_KEYS if k in job), None)
                    if not _job(start, job):
                        continue
                    fail_at = job.get("fail_at")
                    view = job_view(float(start), float(job["duration"]), now,
                                    fail_at_fraction=fail_at if isinstance(fail_at, float) else None)
                    found.append({
                        "id": f"{table}/{record_id}/{field or table}",
                        "table": table, "record": str(record_id), "name": field or table.rstrip("s"),
                        "status": view.status, "percent": view.percent, "eta_seconds": view.eta_seconds,
                    })
    return found


@dashboard_blueprint.get("/ui")
def page() -> Response:
    """The dashboard page."""
    return Response(_static("dashboard.html"), mimetype="text/html")


@dashboard_blueprint.get("/ui/dashboard.js")
def script() -> Response:
    """The dashboard's script."""
    return Response(_static("dashboard.js"), mimetype=_STATIC["dashboard.js"])


@dashboard_blueprint.get("/ui/dashboard.css")
def style() -> Response:
    """The dashboard's style sheet."""
    return Response(_static("dashboard.css"), mimetype=_STATIC["dashboard.css"])


@dashboard_blueprint.get("/jobs")
def jobs() -> Response:
    """Clock-driven jobs with status and percent at the virtual now."""
    return jsonify({"jobs": jobs_of(_emulator())})


@dashboard_blueprint.get("/ui/auth")
def auth() -> Response:
    """A ready auth header for this provider (fetched from the emulator itself, so it is a real token)."""
    from mockservers.shell import auth_header, extra_headers

    emulator = _emulator()
    client = current_app.test_client()

    def http(method: str, url: str, params: dict[str, str] | None, form: dict[str, str] | None) -> Any:
        # In-process: the request goes through the whole app (journal included) without a socket.
        path = "/" + url.split("/", 3)[3] if url.count("/") >= 3 else "/"
        headers = {}
        params = dict(params or {})
        if "__basic__" in params:
            import base64

            headers["Authorization"] = "Basic " + base64.b64encode(params.pop("__basic__").encode()).decode()
        answer = client.open(path, method=method, query_string=params, data=form, headers=headers)
        if answer.status_code >= 300:
            raise RuntimeError(f"{method} {path} answered {answer.status_code}")
        return answer.get_json()

    base_url = emulator.context.base_url or ""
    try:
        header = auth_header(emulator.provider.name, base_url, emulator.credentials, emulator.clock.time(), http)
    except (RuntimeError, KeyError) as exc:
        return jsonify({"headers": [], "error": str(exc)})
    return jsonify({"headers": [header, *extra_headers(emulator.provider.name, emulator.credentials)]})


def home_app(info: dict[str, Any]) -> Flask:
    """The sandbox home page: every provider with its base URL, dashboard link and a curl line."""
    from mockservers.shell import curl_line

    app = Flask("mockservers.home")
    rows = []
    for name, item in info.items():
        if name == "s3":
            rows.append(f"<tr><td>s3</td><td><code>{html.escape(item['base_url'])}</code></td><td>S3 endpoint</td><td></td></tr>")
            continue
        curl = html.escape(curl_line(name, item["base_url"], item["credentials"]))
        rows.append(
            f'<tr><td>{html.escape(name)}</td><td><code>{html.escape(item["base_url"])}</code></td>'
            f'<td><a href="{html.escape(item["base_url"])}/__admin/ui">dashboard</a></td><td><code>{curl}</code></td></tr>'
        )
    body = (
        "<!doctype html><html><head><meta charset='utf-8'><title>mockservers sandbox</title>"
        "<link rel='stylesheet' href='/dashboard.css'></head><body><header><h1>mockservers sandbox</h1></header><main class='home'>"
        "<p>Every emulated provider of this sandbox. Each dashboard shows the seeded credentials, state, "
        "a live journal, jobs, the clock, faults and reset.</p>"
        "<table id='providers'><thead><tr><th>provider</th><th>base URL</th><th></th><th>try it</th></tr></thead><tbody>"
        + "".join(rows) + "</tbody></table></main></body></html>"
    )

    @app.get("/")
    def home() -> Response:
        return Response(body, mimetype="text/html")

    @app.get("/dashboard.css")
    def css() -> Response:
        return Response(_static("dashboard.css"), mimetype="text/css")

    return app
