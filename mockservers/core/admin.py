"""The admin API under /__admin/: reset, clock, journal, faults, state, seed."""

from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from mockservers.core.clock import MAX_ADVANCE_SECONDS, check_instant, parse_iso8601
from mockservers.core.errors import ApiError
from mockservers.core.faults import FaultSpecError, parse_rule
from mockservers.core.http import admin_host_allowed
from mockservers.core.openapi import openapi_copy
from mockservers.core.protocols import EmulatorLike

admin_blueprint = Blueprint("mockservers_admin", __name__, url_prefix="/__admin")


@admin_blueprint.before_request
def _refuse_foreign_hosts() -> None:
    """Admin requests must name a loopback host or the bound address: a DNS-rebinding page cannot."""
    if not admin_host_allowed(request.host, request.environ.get("SERVER_NAME", "")):
        raise ApiError(
            403,
            f"the admin API answers only requests whose Host is a loopback name or the bound address; "
            f"{request.host!r} is not one (add it to MOCKSERVERS_ADMIN_HOSTS to allow it)",
        )


def _emulator() -> EmulatorLike:
    return current_app.extensions["mockservers"]


def _json_object(optional: bool = False) -> dict[str, Any]:
    data = request.get_json(silent=True)
    if data is None and optional and not request.get_data():
        return {}
    if not isinstance(data, dict):
        raise ApiError(400, "the body must be a JSON object (Content-Type: application/json)")
    return data


@admin_blueprint.get("/")
def info() -> Response:
    """Which provider this is, and its demo credentials."""
    emulator = _emulator()
    return jsonify(
        {
            "provider": emulator.provider.name,
            "base_url": request.host_url.rstrip("/"),
            "credentials": emulator.credentials,
            "seed": emulator.state.seed,
        }
    )


@admin_blueprint.get("/openapi.json")
def openapi() -> Response:
    """The provider's OpenAPI 3.1 document, assembled from its contracts."""
    emulator = _emulator()
    document = openapi_copy(emulator.provider.name, emulator.provider.title)
    here = {"url": request.host_url.rstrip("/"), "description": "this emulator"}
    document["servers"] = [here] + [s for s in document.get("servers", []) if s.get("url") != here["url"]]
    return jsonify(document)


@admin_blueprint.post("/reset")
def reset() -> Response:
    """State, clock, faults, journal and scheduled events back to fresh."""
    _emulator().reset()
    return jsonify({"reset": True})


@admin_blueprint.get("/clock")
def get_clock() -> Response:
    """The virtual clock's now and whether it is frozen."""
    return jsonify(_emulator().clock.describe())


@admin_blueprint.post("/clock")
def move_clock() -> Response:
    """Apply ``set``, then ``freeze``, then ``advance_seconds`` (any combination)."""
    data = _json_object()
    allowed = {"set", "freeze", "advance_seconds"}
    unknown = sorted(set(data) - allowed)
    if unknown or not data:
        raise ApiError(400, f"clock accepts {', '.join(sorted(allowed))}; got {', '.join(unknown) or 'nothing'}")
    # Validate every field before moving the clock, so a bad request leaves
    # the clock exactly as it was (no half-applied set/freeze).
    target = None
    if "set" in data:
        if not isinstance(data["set"], str):
            raise ApiError(400, "set must be an ISO 8601 timestamp string")
        try:
            target = parse_iso8601(data["set"])
        except ValueError:
            raise ApiError(400, f"set is not an ISO 8601 timestamp: {data['set']!r}") from None
    if "freeze" in data and not isinstance(data["freeze"], bool):
        raise ApiError(400, "freeze must be true or false")
    if target is not None:
        try:
            check_instant(target.timestamp())
        except ValueError as exc:
            raise ApiError(400, f"set: {exc}") from None
    seconds = data.get("advance_seconds", 0)
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not math.isfinite(seconds) or seconds < 0:
        raise ApiError(400, "advance_seconds must be a finite, non-negative number")
    if seconds > MAX_ADVANCE_SECONDS:
        raise ApiError(400, f"advance_seconds must be at most {MAX_ADVANCE_SECONDS:g} (about 100 years)")
    try:
        check_instant((target.timestamp() if target is not None else _emulator().clock.time()) + float(seconds))
    except ValueError as exc:
        raise ApiError(400, f"advance_seconds: {exc}") from None
    clock = _emulator().clock
    if target is not None:
        clock.set(target)
    if "freeze" in data:
        clock.freeze(data["freeze"])
    if "advance_seconds" in data:
        clock.advance(float(seconds))
    return jsonify(clock.describe())


@admin_blueprint.get("/journal")
def get_journal() -> Response:
    """Recorded exchanges; filters: method, path (exact or prefix*), status, include_admin, include_outbound."""
    status_arg = request.args.get("status")
    if status_arg is not None and not (status_arg.isascii() and status_arg.isdigit()):
        raise ApiError(400, "status must be an integer")
    entries = _emulator().journal.entries(
        method=request.args.get("method"),
        path=request.args.get("path"),
        status=int(status_arg) if status_arg else None,
        include_admin=request.args.get("include_admin", "false").lower() in ("1", "true", "yes"),
        include_outbound=request.args.get("include_outbound", "false").lower() in ("1", "true", "yes"),
    )
    # Each entry's JSON is encoded once, when recorded: ten thousand entries are a join, not a re-encode.
    encoded = [e.encoded() for e in entries]
    head = b'{"count":%d,"entries":[' % len(encoded)
    length = len(head) + sum(map(len, encoded)) + max(0, len(encoded) - 1) + 2
    response = Response(_in_pieces(head, encoded, b"]}"), mimetype="application/json")
    response.headers["Content-Length"] = str(length)
    return response


# The journal goes out in pieces of about this size: the server sends each as it comes, instead of
# buffering one answer of many megabytes (waitress spills a large pending write to a temporary file).
JOURNAL_PIECE_BYTES = 256 * 1024


def _in_pieces(head: bytes, encoded: list[bytes], tail: bytes) -> Any:
    piece: list[bytes] = [head]
    size = len(head)
    for index, entry in enumerate(encoded):
        if index:
            piece.append(b",")
        piece.append(entry)
        size += len(entry) + 1
        if size >= JOURNAL_PIECE_BYTES:
            yield b"".join(piece)
            piece, size = [], 0
    piece.append(tail)
    yield b"".join(piece)


@admin_blueprint.delete("/journal")
def clear_journal() -> Response:
    """Forget recorded exchanges."""
    _emulator().journal.clear()
    return jsonify({"count": 0, "entries": []})


@admin_blueprint.get("/faults")
def list_faults() -> Response:
    """Active fault rules."""
    return jsonify({"faults": [r.to_json() for r in _emulator().faults.rules()]})


@admin_blueprint.post("/faults")
def add_faults() -> Response:
    """Add one rule (an object) or several (a list)."""
    data = request.get_json(silent=True)
    items = data if isinstance(data, list) else [data]
    faults = _emulator().faults
    added = []
    try:
        rules = [parse_rule(item) for item in items]
    except (FaultSpecError, TypeError) as exc:
        raise ApiError(400, f"bad fault rule: {exc}") from None
    for rule in rules:
        added.append(faults.add(rule).to_json())
    response = jsonify({"faults": added})
    response.status_code = 201
    return response


@admin_blueprint.delete("/faults")
def clear_faults() -> Response:
    """Remove every rule."""
    faults = _emulator().faults
    for rule in faults.rules():
        faults.remove(rule.id)
    return jsonify({"faults": []})


@admin_blueprint.delete("/faults/<rule_id>")
def remove_fault(rule_id: str) -> Response:
    """Remove one rule."""
    if not _emulator().faults.remove(rule_id):
        raise ApiError(404, f"no fault rule with id {rule_id!r}")
    return jsonify({"faults": [r.to_json() for r in _emulator().faults.rules()]})


@admin_blueprint.get("/state")
def get_state() -> Response:
    """A JSON snapshot of the provider's state."""
    return jsonify(_emulator().state.snapshot())


@admin_blueprint.put("/state")
def put_state() -> Response:
    """Restore a snapshot taken with GET /__admin/state."""
    state = _emulator().state
    snapshot = _json_object()
    with state.lock:
        # restore() may fail half-way (a bad fixture reference is only found while the blobs are
        # re-attached): put the previous snapshot back so a refused PUT changes nothing.
        before = state.snapshot()
        try:
            state.restore(snapshot)
        except (ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
            state.restore(before)
            raise ApiError(400, f"not a snapshot of this provider: {type(exc).__name__}: {exc}") from None
    return jsonify({"restored": True})


@admin_blueprint.post("/seed")
def seed() -> Response:
    """Rebuild the world from ``seed`` (integer) and/or ``world`` (object)."""
    data = _json_object(optional=True)
    unknown = sorted(set(data) - {"seed", "world"})
    if unknown:
        raise ApiError(400, f"seed accepts seed and world; unknown: {', '.join(unknown)}")
    new_seed = data.get("seed")
    if new_seed is not None and (isinstance(new_seed, bool) or not isinstance(new_seed, int)):
        raise ApiError(400, "seed must be an integer")
    world = data.get("world")
    if world is not None and not isinstance(world, dict):
        raise ApiError(400, "world must be a JSON object")
    emulator = _emulator()
    try:
        emulator.reseed(seed=new_seed, world=world)
    except (ValueError, KeyError, TypeError) as exc:
        raise ApiError(400, f"world is not usable: {exc}") from None
    return jsonify({"seed": emulator.state.seed, "credentials": emulator.credentials})
