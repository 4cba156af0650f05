"""Mediaclip operations: validation of bodies, create/update/delete/publish, lists and search. No Flask.

Attribute rules come from the seed's attribute table: read-only attributes may
be sent back unchanged (clients PUT whole objects they read) but not changed;
``assets`` (and, inferred, ``thumbnails`` and ``mediatype``) are settable only
on creation; ``sourceid`` is read-only after the initial ingest.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mockservers.bluebillywig import query
from mockservers.bluebillywig import search as clip_index
from mockservers.bluebillywig.assets import add_asset_records, validate_asset
from mockservers.bluebillywig.search import index_value
from mockservers.bluebillywig.serializers import clip_json, list_json
from mockservers.bluebillywig.state import BlueBillywigState
from mockservers.bluebillywig.world import new_clip_record
from mockservers.core import fidelity
from mockservers.core.clock import parse_iso8601
from mockservers.core.errors import BadRequestError, ConflictError
from mockservers.core.safejson import safe_loads
from mockservers.core.views import int_value, whole_number

MEDIATYPES = ("video", "audio", "image", "document", "font")
USETYPES = ("editorial", "commercial")
SOURCETYPES = ("on_demand", "live")
STATUSES = ("draft", "published")
DEFAULT_LIMIT = 15
DEFAULT_SORT = [("createddate", True)]  # newest first; ties by id desc (the documented default order)
MAX_LIMIT = 1000
# Solr reads rows and start as 32-bit ints: larger values are refused there (400), so here.
SOLR_INT = 2**31 - 1
READ_ONLY = (
    "type", "createddate", "updateddate", "publisheddate", "views", "width", "height", "dar", "originalWidth",
    "originalHeight", "createdBy", "updatedBy", "src", "gendeeplink", "hasJobs", "transcodingFinished",
    "publicationid", "subtitles", "transcript", "exports", "timelines", "audiotracks", "jobs",
)
CREATE_ONLY = ("mediatype", "assets", "thumbnails")
WRITABLE = (
    "fitmode", "usetype", "sourcetype", "originalfilename", "length", "sourceid", "title", "description",
    "deeplink", "copyright", "author", "status", "chapters", "date", "cat", "tags", "playoutoverride",
)
KNOWN = frozenset(("id", *READ_ONLY, *CREATE_ONLY, *WRITABLE))
# Query parameters of GET /sapi/mediaclip and /papi/search besides the plain field filters.
LIST_PARAMS = frozenset({"q", "sort", "limit", "offset", "fields", "rpctoken", "includejobs", "lang", "fq"})
# The answer a live account gives, as recorded by a client library's live tests (tychovbh/laravel-bluebillywig),
# typo included; the official SDKs only check the status.
DELETED = {"code": "200", "body": "mediaclip was succesfully removed"}
SEARCH_CLASSES = ("MediaClip", "MediaClipList", "Channel", "Playout", "Subtitle", "Timeline")
_FQ = re.compile(r"^fq\[(\d+)\]$")


# -- field validation ----------------------------------------------------------
def _string(name: str, value: Any, max_length: int = 1024, allow_none: bool = False) -> str | None:
    if value is None and allow_none:
        return None
    if not isinstance(value, str) or len(value) > max_length:
        raise BadRequestError(f"{name} must be a string of at most {max_length} characters", name)
    return value


def _choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value.lower() not in choices:
        raise BadRequestError(f"{name} must be one of {', '.join(choices)}; got {value!r}", name)
    if value not in choices:
        fidelity.warn("letter-case", f"{name} {value!r} is read as {value.lower()!r}; the reference spells it in lower case", "inferred")
    return value.lower()


def _non_negative_int(name: str, value: Any) -> int:
    # The SDKs send numbers as strings at times (FACTS.md): the kit's int_value reads both.
    return int_value(whole_number(value, name), name, 0, 10**9)


def _string_list(name: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and 0 < len(v) <= 255 for v in value):
        raise BadRequestError(f"{name} must be a list of non-empty strings", name)
    return list(dict.fromkeys(value))


# RFC 3339 date-time (JSON Schema's format: date-time), the form the reference answers.
_RFC3339 = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})")


def _date(name: str, value: Any) -> float:
    if value is None:
        return 0.0
    if not isinstance(value, str):
        raise BadRequestError(f"{name} must be an ISO 8601 date-time string like 2021-11-29T14:20:37Z", name)
    try:
        stamp = parse_iso8601(value.replace("z", "Z")).timestamp()
    except (ValueError, OverflowError):
        raise BadRequestError(f"{name} must be an ISO 8601 date-time string like 2021-11-29T14:20:37Z; got {value!r}", name) from None
    if not _RFC3339.fullmatch(value):
        fidelity.warn("date-format", f"{name} {value!r} is read as ISO 8601; the reference uses date-times like 2021-11-29T14:20:37Z", "inferred")
    return stamp


def _chapters(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise BadRequestError("chapters must be a list of {title, timeOffset}", "chapters")
    out = []
    for index, chapter in enumerate(value):
        where = f"chapters[{index}]"
        if not isinstance(chapter, dict) or set(chapter) - {"id", "title", "timeOffset"}:
            raise BadRequestError(f"{where} must be an object with title, timeOffset and optional id", where)
        title = _string(f"{where}.title", chapter.get("title"), 255)
        offset = chapter.get("timeOffset")
        if isinstance(offset, bool) or not isinstance(offset, (int, float)) or offset < 0:
            raise BadRequestError(f"{where}.timeOffset must be a number of seconds >= 0", f"{where}.timeOffset")
        chapter_id = _string(f"{where}.id", chapter.get("id", f"c{index}"), 64)
        out.append({"id": chapter_id, "title": title, "timeOffset": offset})
    return out


def _deeplink(value: Any) -> str:
    text = _string("deeplink", value, 2048) or ""
    if text and not (re.fullmatch(r"https?://\S+", text)):
        raise BadRequestError(f"deeplink must be an http(s) URL or empty; got {text!r}", "deeplink")
    return text


def _apply_writable(state: BlueBillywigState, clip: dict[str, Any], name: str, value: Any) -> None:
    if name in ("fitmode",):
        clip[name] = _string(name, value, 64)
    elif name in ("title", "copyright", "author", "originalfilename"):
        clip[name] = _string(name, value, 1024)
    elif name == "description":
        clip[name] = _string(name, value, 65535)
    elif name == "usetype":
        clip[name] = _choice(name, value, USETYPES)
    elif name == "sourcetype":
        clip[name] = _choice(name, value, SOURCETYPES)
    elif name == "status":
        clip[name] = _choice(name, value, STATUSES)
    elif name == "length":
        clip[name] = _non_negative_int(name, value)
    elif name == "deeplink":
        clip[name] = _deeplink(value)
    elif name == "date":
        clip[name] = _date(name, value)
    elif name == "cat" and isinstance(value, str):
        # The SDKs type cat as a string; the reference answers a list: a comma-separated string is read as one.
        clip[name] = _string_list(name, [part.strip() for part in value.split(",") if part.strip()])
    elif name in ("cat", "tags"):
        clip[name] = _string_list(name, value)
    elif name == "playoutoverride":
        # Typed in the SDKs without a documented shape: any JSON value is kept and answered back.
        if value is not None and not isinstance(value, (str, dict)):
            raise BadRequestError("playoutoverride must be a string, an object or null", name)
        clip[name] = value
    elif name == "chapters":
        clip[name] = _chapters(value)
    elif name == "sourceid":
        sourceid = _string(name, value, 255, allow_none=True)
        if sourceid == "":
            sourceid = None
        if sourceid is not None:
            other = next((c for c in state.db["mediaclips"].values() if c["sourceid"] == sourceid and c["id"] != clip["id"]), None)
            if other is not None:
                raise ConflictError(f"sourceid {sourceid!r} is already used by mediaclip {other['id']}")
        clip[name] = sourceid


def _check_body(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise BadRequestError("the request body must be a JSON object (a mediaclip)")
    unknown = sorted(set(body) - KNOWN)
    if unknown:
        # Not known to be refused by SAPI (the SDKs type more properties than the reference lists): ignored, warned.
        fidelity.warn(
            "unknown-field", f"{', '.join(unknown)} not a mediaclip attribute the emulator knows; ignored", "inferred"
        )
        return {k: v for k, v in body.items() if k in KNOWN}
    return body


def _drop_changed(
    state: BlueBillywigState, clip: dict[str, Any], body: dict[str, Any], names: tuple[str, ...], why: str
) -> dict[str, Any]:
    """The body without the attributes of ``names`` it would change; each one dropped is warned.

    Clients PUT back whole objects they read, so an unchanged value is fine. A changed one is ignored:
    the reference calls these attributes read-only (or settable once) but does not say SAPI refuses a
    body that carries another value, so the emulator keeps the stored one and says so.
    """
    current = clip_json(clip, state.db["mediaassets"], state.now())
    changed = [
        name for name in names
        if name in body and body[name] != current.get(name) and not (body[name] in (None, "", []) and current.get(name) in (None, "", []))
    ]
    for name in changed:
        fidelity.warn("read-only", f"{name} {why}; the value sent is ignored and the stored one kept", "doc")
    return {k: v for k, v in body.items() if k not in changed}


def _set_status(clip: dict[str, Any], status: str, now: float) -> None:
    clip["status"] = status
    if status == "published" and clip["published"] is None:
        # publisheddate: when the status was FIRST set to published (seed).
        clip["published"] = now


# -- operations ----------------------------------------------------------------
def create(state: BlueBillywigState, body: Any, user: str) -> dict[str, Any]:
    """A new clip from a (validated) body; nothing is stored when any field is refused."""
    body = _check_body(body)
    now = state.now()
    clip = new_clip_record(state, "0", now, user)
    if "type" in body and body["type"] != "MediaClip":
        raise BadRequestError(f"type must be MediaClip; got {body['type']!r}", "type")
    body = _drop_changed(state, clip, body, READ_ONLY, "is read-only")
    if "mediatype" in body:
        clip["mediatype"] = _choice("mediatype", body["mediatype"], MEDIATYPES)
    for name in WRITABLE:
        if name in body:
            _apply_writable(state, clip, name, body[name])
    assets = _asset_specs(body.get("assets"))
    thumbs = _thumbnail_specs(body.get("thumbnails"))
    status = clip["status"]
    clip["status"] = "draft"
    _set_status(clip, status, now)
    clip["id"] = state.next_id("clip")
    add_asset_records(state, clip, assets)
    clip["thumbnails"] = thumbs
    state.db["mediaclips"][clip["id"]] = clip
    state.record_version(clip, "create", user)
    return clip


def update(state: BlueBillywigState, clip: dict[str, Any], body: Any, user: str) -> dict[str, Any]:
    """Change writable attributes; read-only ones may only be echoed back unchanged."""
    body = _check_body(body)
    if "type" in body and body["type"] != "MediaClip":
        raise BadRequestError(f"type must be MediaClip; got {body['type']!r}", "type")
    if "id" in body and str(body["id"]) != clip["id"]:
        # Not documented either way; the addressed clip is the one meant (the reference's update example
        # carries the id because it is the clip's own).
        fidelity.warn("id-mismatch", f"id in the body ({str(body['id'])[:40]}) differs from the mediaclip addressed ({clip['id']}); "
                      "the addressed one is updated", "inferred")
    body = _drop_changed(state, clip, body, READ_ONLY, "is read-only")
    body = _drop_changed(
        state, clip, body, CREATE_ONLY,
        "can only be set when the mediaclip is created (manage assets through /sapi/mediaasset)",
    )
    if clip["ingested"]:
        body = _drop_changed(state, clip, body, ("sourceid",), "is read-only after the initial ingest")
    draft = dict(clip)
    for name in WRITABLE:
        if name in body:
            _apply_writable(state, draft, name, body[name])
    status = draft.pop("status")
    draft["status"] = clip["status"]
    now = state.now()
    _set_status(draft, status, now)
    draft["updated"] = now
    draft["updatedBy"] = user
    clip.update(draft)
    state.record_version(clip, "update", user)
    return clip


def set_published(state: BlueBillywigState, clip: dict[str, Any], published: bool, user: str) -> dict[str, Any]:
    """The publish / unpublish actions."""
    now = state.now()
    _set_status(clip, "published" if published else "draft", now)
    clip["updated"] = now
    clip["updatedBy"] = user
    state.record_version(clip, "publish" if published else "unpublish", user)
    return clip


def delete(state: BlueBillywigState, clip: dict[str, Any], purge: bool, user: str) -> dict[str, str]:
    """Soft delete (status ``deleted``, still readable by id) or purge (gone with its assets and versions)."""
    if purge:
        for asset_id in clip["assets"]:
            state.db["mediaassets"].pop(asset_id, None)
        for version_id in clip.get("versionIds", []):
            state.db["versions"].pop(version_id, None)
        state.db["mediaclips"].pop(clip["id"], None)
        return DELETED
    if clip["status"] != "deleted":
        clip["status"] = "deleted"
        clip["updated"] = state.now()
        clip["updatedBy"] = user
        state.record_version(clip, "delete", user)
    return DELETED


# The documented form (the reference prints typographic quotes, clients send straight ones); the query
# contracts of PUT and DELETE /sapi/mediaclip state the same pattern (a test checks they agree).
SOURCEID_QUERY = '^sourceid:(?:"(?:[^"\\\\]|\\\\[^\\n\\r])*"|[\u201c\u201d\u201e](?:[^"\u201d\\\\]|\\\\[^\\n\\r])*\u201d)$'
_SOURCEID_QUERY = re.compile(SOURCEID_QUERY)


def sourceid_of_query(text: str | None) -> str:
    """The source id of ``q=sourceid:"..."`` (the only query PUT and DELETE accept).

    Another spelling that still reads as one sourceid term (no quotes, spaces around it) is accepted
    with a warning; anything else is a 400.
    """
    if text is None:
        raise BadRequestError('this request needs q=sourceid:"..." (or the mediaclip id in the path)', "q")
    if not text.strip():
        raise BadRequestError('q must be sourceid:"<sourceid>" here; it is empty', "q")
    node = query.parse_query(text)
    if not isinstance(node, query.Term) or node.field != "sourceid" or (not node.phrase and ("*" in node.text or "?" in node.text)):
        raise BadRequestError(f'q must be exactly sourceid:"<sourceid>" here; got {text[:200]!r}', "q")
    if not _SOURCEID_QUERY.fullmatch(text):
        fidelity.warn("query-form", f'q {text[:80]!r} is read as sourceid {node.text[:80]!r}; the reference documents q=sourceid:"<sourceid>"', "doc")
    return node.text


# -- assets / thumbnails on creation ---------------------------------------------
def _asset_specs(value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadRequestError("assets must be a list of mediaasset objects", "assets")
    return [validate_asset(item, f"assets[{i}]", creating=True) for i, item in enumerate(value)]


def _thumbnail_specs(value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadRequestError("thumbnails must be a list of {src, width, height, main}", "thumbnails")
    out = []
    # Without any thumbnail saying main: true, the first is the main one.
    stated = any(isinstance(item, dict) and item.get("main") is True for item in value)
    for index, item in enumerate(value):
        where = f"thumbnails[{index}]"
        if not isinstance(item, dict) or set(item) - {"src", "width", "height", "main", "crops"}:
            raise BadRequestError(f"{where} must be an object with src, width, height, main", where)
        src = _string(f"{where}.src", item.get("src"), 2048)
        if not src:
            raise BadRequestError(f"{where}.src is required", f"{where}.src")
        main = item.get("main", index == 0 and not stated)
        if not isinstance(main, bool):
            raise BadRequestError(f"{where}.main must be true or false", f"{where}.main")
        out.append({
            "src": src,
            "width": _non_negative_int(f"{where}.width", item.get("width", 0)),
            "height": _non_negative_int(f"{where}.height", item.get("height", 0)),
            "main": main,
        })
    if sum(1 for t in out if t["main"]) > 1:
        raise BadRequestError("only one thumbnail can be main", "thumbnails")
    return out


# -- lists and search --------------------------------------------------------------
def _int_param(params: Mapping[str, str], name: str, default: int, high: int) -> int:
    raw = params.get(name)
    return default if raw is None or raw == "" else int_value(raw, name, 0, high)


def page_window(params: Mapping[str, str]) -> tuple[int, int]:
    """``limit`` (default 15) and ``offset`` of a list; a limit above MAX_LIMIT is read as MAX_LIMIT, warned.

    Whether SAPI caps or refuses a larger limit is not documented; capping is what list APIs commonly do,
    and the answer's ``limit`` says what was used.
    """
    limit = _int_param(params, "limit", DEFAULT_LIMIT, SOLR_INT)
    if limit > MAX_LIMIT:
        fidelity.warn("limit-capped", f"limit {limit} is read as {MAX_LIMIT}, the most one page holds here", "inferred")
        limit = MAX_LIMIT
    return limit, _int_param(params, "offset", 0, SOLR_INT)


def _mentions_deleted(node: query.Node) -> bool:
    if isinstance(node, (query.And, query.Or)):
        return any(_mentions_deleted(c) for c in node.clauses)
    if isinstance(node, query.Not):
        return _mentions_deleted(node.clause)
    return isinstance(node, query.Term) and node.field == "status" and node.text.lower() == "deleted"


def _filter_clause(text: str, where: str) -> query.Node | None:
    """One filter query; an unreadable one is ignored with HTTP 200, as the Node SDK records (warned)."""
    if not text.strip():
        return None
    try:
        return query.parse_query(text)
    except BadRequestError as exc:
        fidelity.warn("unreadable-filter", f"{where} is ignored, as SAPI ignores unreadable filters: {exc.message}", "client")
        return None


def _filterset_clauses(raw: str) -> list[query.Node]:
    """``filterset``: a JSON object ``{field: value | [values]}``, or a list of such objects or query strings.

    The SDKs pass it through as JSON without a documented shape, so this reading is inferred;
    anything else is ignored (warned), like an unreadable ``fq``.
    """
    try:
        data = safe_loads(raw)  # depth-limited: a query parameter from the client
    except ValueError:
        data = None
    items = data if isinstance(data, list) else [data]
    clauses: list[query.Node] = []
    for item in items:
        if isinstance(item, str):
            clause = _filter_clause(item, "filterset")
            if clause is not None:
                clauses.append(clause)
        elif isinstance(item, dict) and item:
            for field, value in item.items():
                values = value if isinstance(value, list) else [value]
                if not values or not all(isinstance(v, (str, int, float, bool)) for v in values):
                    fidelity.warn("unreadable-filter", f"filterset.{field} is not a value or a list of values; ignored", "inferred")
                    continue
                terms = tuple(query.Term(str(field), str(v).lower() if isinstance(v, bool) else str(v), phrase=True) for v in values)
                clauses.append(terms[0] if len(terms) == 1 else query.Or(terms))
        else:
            fidelity.warn("unreadable-filter", f"filterset {raw[:80]!r} is not a JSON object or list; ignored", "inferred")
    return clauses


def build_filter(params: Mapping[str, str], multi: Mapping[str, list[str]], extra_allowed: frozenset[str] = frozenset()) -> query.Node:
    """q, filterset, fq[n] and plain field filters (``status=published``) AND-ed into one query."""
    clauses: list[query.Node] = []
    for name in multi:
        if name in LIST_PARAMS or name in extra_allowed or _FQ.match(name) or name == "filterset":
            continue
        if name not in query.KNOWN_FIELDS:
            # Not a documented parameter: accepted and ignored, as the SDKs' extra parameters are.
            fidelity.warn("unknown-parameter", f"query parameter {name!r} is not known here and is ignored", "inferred")
            continue
        values = multi[name]
        # A plain filter compares the whole value (booleans and numbers arrive as strings, FACTS.md).
        clauses.append(query.Or(tuple(query.Term(name, v, phrase=True) for v in values)) if len(values) > 1 else query.Term(name, values[0], phrase=True))
    q = params.get("q")
    if q is not None and len(q) > query.MAX_QUERY_LENGTH:
        # A size limit (the contract's maxLength), not a reading problem: refused.
        raise BadRequestError(f"q is longer than {query.MAX_QUERY_LENGTH} characters", "q")
    if q is not None and q.strip():
        try:
            clauses.append(query.parse_query(q))
        except BadRequestError as exc:
            # The Node SDK records that SAPI ignores an unreadable filter with HTTP 200; a q it cannot read is
            # taken the same way (inferred): ignored, so the list is as without q, and warned.
            fidelity.warn(
                "unreadable-query",
                f"q is ignored, as SAPI ignores unreadable filters: {exc.message}; the real service may refuse it (Solr "
                "answers 400 to a query it cannot parse)",
                "inferred",
            )
    for raw in multi.get("filterset", []):
        clauses.extend(_filterset_clauses(raw))
    plain_fq = multi.get("fq", [])
    if len(plain_fq) > 1:
        # The .NET SDK records that SAPI silently ignores a repeated plain fq= (only indexed fq[n] count).
        fidelity.warn("ignored-filter", "a repeated plain fq= is ignored, as SAPI does; send fq[0]=, fq[1]=, ...", "client")
    elif plain_fq:
        clause = _filter_clause(plain_fq[0], "fq")
        if clause is not None:
            clauses.append(clause)
    for name in sorted((n for n in multi if _FQ.match(n)), key=lambda n: int(_FQ.match(n).group(1))):  # type: ignore[union-attr]
        for text in multi[name]:
            clause = _filter_clause(text, name)
            if clause is not None:
                clauses.append(clause)
    if not clauses:
        return query.MatchAll()
    return clauses[0] if len(clauses) == 1 else query.And(tuple(clauses))


def list_clips(state: BlueBillywigState, params: Mapping[str, str], multi: Mapping[str, list[str]], extra_allowed: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A page of clips matching q/filters, sorted (default newest first), as ``{count, numfound, items...}``."""
    node = build_filter(params, multi, extra_allowed)
    sort = query.parse_sort(params["sort"]) if params.get("sort", "").strip() else DEFAULT_SORT
    limit, offset = page_window(params)
    fields = [f.strip() for f in params.get("fields", "").split(",") if f.strip()] or None
    state.settle()
    now = state.now()
    clips = state.db["mediaclips"]
    assets = state.db["mediaassets"].reader()
    narrowed = None
    if not _mentions_deleted(node):
        narrowed = clip_index.candidates(clips, node) or (clip_index.live(clips), False)
    if narrowed is not None and sort == DEFAULT_SORT:
        # The index's order is the default one: no sort, and an exact list is paged without reading the rest.
        entries, exact = narrowed
        if exact:
            page = [clips.peek(entry[2]) for entry in entries[offset : offset + limit]]
            return list_json([clip_json(c, assets, now, fields) for c in page], len(entries), offset, limit)
        found = [c for c in (clips.peek(entry[2]) for entry in entries) if query.matches(node, c, index_value, now)]
    else:
        if narrowed is not None:
            # In table order, as a scan finds them: the sorts below then break ties exactly as before.
            entries = sorted(narrowed[0], key=lambda entry: entry[1])
            found = [c for c in (clips.peek(entry[2]) for entry in entries) if narrowed[1] or query.matches(node, c, index_value, now)]
        else:  # the query asks for deleted clips, which the index leaves out
            found = [c for c in clips.values() if query.matches(node, c, index_value, now)]
        # Ties fall back to id desc, the documented default order.
        found.sort(key=lambda c: int(c["id"]), reverse=True)
        for field, descending in reversed(sort):
            found.sort(key=lambda c, f=field: query.sort_key(f, index_value(c, f)), reverse=descending)
    page = found[offset : offset + limit]
    items = [clip_json(c, assets, now, fields) for c in page]
    return list_json(items, len(found), offset, limit)


def search(state: BlueBillywigState, params: Mapping[str, str], multi: Mapping[str, list[str]]) -> dict[str, Any]:
    """``GET /papi/search``: the same query language over the classes named in ``className[]``."""
    classes = multi.get("className[]", []) + multi.get("className", [])
    for name in classes:
        if name not in SEARCH_CLASSES:
            raise BadRequestError(f"unknown className {name!r}; known: {', '.join(SEARCH_CLASSES)}", "className[]")
    params = dict(params)
    if not params.get("q", "").strip():
        params["q"] = "*:*"
    result = list_clips(state, params, multi, frozenset({"className[]", "className"}))
    if classes and "MediaClip" not in classes:
        # Only mediaclips are emulated: other classes are accepted and have no documents.
        result = list_json([], 0, result["offset"], result["limit"])
    return result

