"""The SAPI entities besides mediaclip that the SDKs list, get, create, update and delete: one implementation.

``/sapi/playlist`` (alias ``cliplist``), ``/sapi/channel``, ``/sapi/playout`` and
``/sapi/subtitle`` (FACTS.md, second part: the PHP, Node and .NET SDKs). The SDKs
treat them as bags of properties, so each kind declares only its type name, its
known properties and their defaults; a property outside those is stored and
answered back with a fidelity warning (the live service's full schemas are not
public). No Flask.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mockservers.bluebillywig.serializers import iso, list_json
from mockservers.core import fidelity
from mockservers.core.errors import BadRequestError, NotFoundError

if TYPE_CHECKING:
    from mockservers.bluebillywig.state import BlueBillywigState

STATUSES = ("draft", "published", "active", "inactive")
READ_ONLY = ("id", "type", "createddate", "updateddate", "publicationid", "createdBy", "updatedBy")


@dataclass(frozen=True)
class EntityKind:
    """One entity: its path name, its ``type`` value and its known properties with defaults."""

    name: str
    type_name: str
    defaults: Mapping[str, Any] = field(default_factory=dict)
    required: tuple[str, ...] = ()


KINDS: dict[str, EntityKind] = {
    "playlist": EntityKind("playlist", "MediaClipList", {"title": "", "description": "", "status": "published", "items": []}),
    "channel": EntityKind("channel", "Channel", {"title": "", "description": "", "status": "published", "playlists": []}),
    "playout": EntityKind("playout", "Playout", {"name": "", "label": "", "status": "active", "autoPlay": "false"}),
    "subtitle": EntityKind(
        "subtitle", "Subtitle",
        {"name": "", "mediaclipid": None, "languageid": "2912", "isocode": "en", "languagename": "English",
         "default": "false", "status": "published", "src": ""},
    ),
}
ALIASES = {"cliplist": "playlist"}


def kind_of(name: str) -> EntityKind:
    """The entity kind of a path name (``cliplist`` is ``playlist``), or 404."""
    kind = KINDS.get(ALIASES.get(name, name))
    if kind is None:
        raise NotFoundError(f"unknown SAPI entity {name!r}")
    return kind


def _check_value(kind: EntityKind, name: str, value: Any) -> Any:
    if name == "status" and value not in STATUSES:
        raise BadRequestError(f"status must be one of {', '.join(STATUSES)}; got {value!r}", name)
    if name in ("title", "name", "description", "label") and not isinstance(value, str):
        raise BadRequestError(f"{name} must be a string", name)
    if name in ("items", "playlists") and not (isinstance(value, list) and all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value)):
        raise BadRequestError(f"{name} must be a list of ids", name)
    if name in ("items", "playlists"):
        return [str(v) for v in value]
    if name == "mediaclipid" and value is not None:
        return str(value)
    return value


def _apply(state: BlueBillywigState, kind: EntityKind, record: dict[str, Any], body: Any) -> None:
    if not isinstance(body, dict):
        raise BadRequestError(f"the request body must be a JSON object (a {kind.name})")
    if "type" in body and body["type"] != kind.type_name:
        raise BadRequestError(f"type must be {kind.type_name}; got {body['type']!r}", "type")
    changes: dict[str, Any] = {}
    for name, value in body.items():
        if name in READ_ONLY:
            continue  # clients PUT back what they read
        if name not in kind.defaults:
            fidelity.warn(
                "unknown-field", f"{kind.name}.{name} is not a property the SDKs show; it is stored as sent", "inferred"
            )
        changes[name] = _check_value(kind, name, value)
    if kind.name == "subtitle" and changes.get("mediaclipid"):
        state.clip(changes["mediaclipid"])  # 404 for an unknown clip, nothing stored
    record["props"].update(changes)


def create(state: BlueBillywigState, name: str, body: Any, user: str) -> dict[str, Any]:
    """A new entity; nothing is stored when the body is refused."""
    kind = kind_of(name)
    now = state.now()
    record: dict[str, Any] = {
        "id": "", "kind": kind.name, "created": now, "updated": now, "createdBy": user, "updatedBy": user,
        "props": {k: (list(v) if isinstance(v, list) else v) for k, v in kind.defaults.items()},
    }
    _apply(state, kind, record, body)
    record["id"] = state.next_id("entity")
    state.db["entities"][record["id"]] = record
    return record


def get(state: BlueBillywigState, name: str, entity_id: str) -> dict[str, Any]:
    """One entity of this kind, or 404."""
    kind = kind_of(name)
    record = state.db["entities"].get(str(entity_id))
    if record is None or record["kind"] != kind.name:
        raise NotFoundError(f"{kind.name} {entity_id} does not exist")
    return record


def update(state: BlueBillywigState, name: str, entity_id: str, body: Any, user: str) -> dict[str, Any]:
    """Change the properties a body carries."""
    record = get(state, name, entity_id)
    if isinstance(body, dict) and body.get("id") not in (None, "") and str(body["id"]) != record["id"]:
        fidelity.warn("id-mismatch", f"id in the body ({str(body['id'])[:40]}) differs from the {record['kind']} addressed "
                      f"({record['id']}); the addressed one is updated", "inferred")
    draft = {**record, "props": dict(record["props"])}
    _apply(state, kind_of(name), draft, body)
    draft["updated"] = state.now()
    draft["updatedBy"] = user
    record.update(draft)
    return record


def delete(state: BlueBillywigState, name: str, entity_id: str) -> dict[str, str]:
    """Gone for good; the answer has mediaclip's delete shape (inferred)."""
    record = get(state, name, entity_id)
    del state.db["entities"][record["id"]]
    return {"code": "200", "body": f"{record['kind']} was succesfully removed"}


def entity_json(state: BlueBillywigState, record: dict[str, Any]) -> dict[str, Any]:
    """The entity as the SDKs read it: id and type first, then its properties and dates."""
    kind = KINDS[record["kind"]]
    return {
        "id": record["id"],
        "type": kind.type_name,
        **record["props"],
        "publicationid": state.publication["id"],
        "createddate": iso(record["created"]),
        "updateddate": iso(record["updated"]),
        "createdBy": record["createdBy"],
        "updatedBy": record["updatedBy"],
    }


def list_entities(state: BlueBillywigState, name: str, limit: int, offset: int, filters: Mapping[str, str]) -> dict[str, Any]:
    """Newest first, with plain ``property=value`` filters (mediaclipid for subtitles)."""
    kind = kind_of(name)
    found = [r for r in state.db["entities"].values() if r["kind"] == kind.name]
    for key, value in filters.items():
        if key not in kind.defaults and key != "mediaclipid":
            # Filtering on a property the kind does not have is not known to be refused: it matches what stores it.
            fidelity.warn("unknown-parameter", f"{kind.name} has no property {key[:80]!r} the SDKs show; the filter matches "
                          "only entities that store it", "inferred")
        found = [r for r in found if str(r["props"].get(key, "")) == value]
    found.sort(key=lambda r: int(r["id"]), reverse=True)
    page = found[offset : offset + limit]
    return list_json([entity_json(state, r) for r in page], len(found), offset, limit)


def seed_entities(state: BlueBillywigState, clip_ids: list[str], user: str) -> None:
    """A few of each kind so lists are not empty on a fresh world (deterministic)."""
    created = state.meta["epoch"] - 86400.0
    specs: list[tuple[str, dict[str, Any]]] = [
        ("playlist", {"title": "Latest news", "items": clip_ids[:5]}),
        ("playlist", {"title": "Editor's picks", "items": clip_ids[5:8], "status": "draft"}),
        ("channel", {"title": "Main channel", "description": "Everything we publish"}),
        ("playout", {"name": "default", "label": "Default playout"}),
        ("playout", {"name": "autoplay", "label": "Autoplay muted", "autoPlay": "true"}),
    ]
    specs += [("subtitle", {"name": "English", "mediaclipid": clip_id}) for clip_id in clip_ids[:3]]
    for kind_name, props in specs:
        kind = KINDS[kind_name]
        entity_id = state.next_id("entity")
        state.db["entities"][entity_id] = {
            "id": entity_id, "kind": kind_name, "created": created, "updated": created, "createdBy": user, "updatedBy": user,
            "props": {**{k: (list(v) if isinstance(v, list) else v) for k, v in kind.defaults.items()}, **props},
        }
