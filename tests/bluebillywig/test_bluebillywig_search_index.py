"""Lists and searches answered from the clip index equal a scan of every clip, before and after writes."""

from __future__ import annotations

import random
from typing import Any

from bluebillywig_helpers import create_clip

from mockservers.bluebillywig import clips, query
from mockservers.bluebillywig.search import index_value
from mockservers.bluebillywig.serializers import clip_json, list_json


def scan_list(state: Any, params: dict[str, str]) -> dict[str, Any]:
    """What list_clips answered before the index: filter every clip, sort, page."""
    multi = {k: [v] for k, v in params.items()}
    node = clips.build_filter(params, multi)
    sort = query.parse_sort(params["sort"]) if params.get("sort", "").strip() else [("createddate", True)]
    limit, offset = int(params.get("limit", clips.DEFAULT_LIMIT)), int(params.get("offset", 0))
    state.settle()
    now = state.now()
    include_deleted = clips._mentions_deleted(node)
    found = [
        c for c in state.db["mediaclips"].values()
        if (include_deleted or c["status"] != "deleted") and query.matches(node, c, index_value, now)
    ]
    found.sort(key=lambda c: int(c["id"]), reverse=True)
    for field, descending in reversed(sort):
        found.sort(key=lambda c, f=field: query.sort_key(f, index_value(c, f)), reverse=descending)
    items = [clip_json(c, state.db["mediaassets"].reader(), now) for c in found[offset : offset + limit]]
    return list_json(items, len(found), offset, limit)


def _queries(state: Any, rng: random.Random, count: int) -> list[dict[str, str]]:
    clips_now = list(state.db["mediaclips"].values())
    words = sorted({w for c in clips_now for f in ("title", "description") for w in query._words(c[f] or "")})
    cats = sorted({t for c in clips_now for t in c["cat"] + c["tags"]})
    words = rng.sample(words, min(25, len(words))) + ["zzznothing", "Coffee"]

    def term() -> str:
        kind = rng.randrange(9)
        word = rng.choice(words)
        if kind == 0:
            return word
        if kind == 1:
            return f"title:{word}"
        if kind == 2:
            return f"description:{word}"
        if kind == 3:
            return f'title:"{rng.choice(words)} {word}"'
        if kind == 4:
            return f"cat:{rng.choice(cats)}" if cats else "cat:none"
        if kind == 5:
            return rng.choice(["status:published", "status:draft", "status:deleted", "mediatype:video", "type:MediaClip"])
        if kind == 6:
            return f"title:{word[:3]}*"
        if kind == 7:
            return f"views:[{rng.randrange(50)} TO {50 + rng.randrange(500)}]"
        return "*:*"

    def expression(depth: int = 0) -> str:
        if depth > 1 or rng.random() < 0.5:
            return term()
        op = rng.choice([" AND ", " OR ", " ", " AND NOT "])
        return f"({expression(depth + 1)}{op}{expression(depth + 1)})"

    found = []
    for _ in range(count):
        params = {"q": expression()} if rng.random() < 0.85 else {}
        if rng.random() < 0.3:
            params["sort"] = rng.choice(["title asc", "views desc", "createddate desc", "createddate asc", "id asc"])
        if rng.random() < 0.3:
            params["status"] = rng.choice(["published", "draft"])
        params["limit"] = str(rng.choice([1, 5, 15, 100]))
        params["offset"] = str(rng.choice([0, 0, 3, 40]))
        found.append(params)
    return found


def _check(state: Any, rng: random.Random, count: int) -> None:
    for params in _queries(state, rng, count):
        multi = {k: [v] for k, v in params.items()}
        assert clips.list_clips(state, params, multi) == scan_list(state, params), params


def test_index_answers_equal_a_scan_of_every_clip_before_and_after_writes(bluebillywig, bb) -> None:
    state = bluebillywig.state
    rng = random.Random(2024)
    _check(state, rng, 150)
    # Writes through the API and in place: new clips, retitled, deleted (soft and purged), republished.
    made = [create_clip(bb, title=f"Coffee espresso {n}", cat=["coffee"], status="published")["id"] for n in range(4)]
    ids = list(state.db["mediaclips"])
    for clip_id in rng.sample(ids, 6):
        clip = state.db["mediaclips"][clip_id]
        clip["title"] = f"{clip['title'] or ''} Coffee"
        clip["created"] += rng.choice([-1e6, 0, 1e6])
    assert bb.delete(f"/sapi/mediaclip/{made[0]}").status_code == 200
    assert bb.delete(f"/sapi/mediaclip/{ids[3]}", params={"purge": "true"}).status_code in (200, 204)
    state.db["mediaclips"][ids[5]]["status"] = "deleted"
    _check(state, rng, 150)
    bluebillywig.reset()
    _check(bluebillywig.state, rng, 50)


def test_the_index_reads_the_fields_index_value_reads(bluebillywig) -> None:
    # search._groups reads text, list and string fields straight off the clip: index_value must agree.
    from mockservers.bluebillywig import search

    fields = set(search._TEXT) | set(search._LISTS) | set(search._STRINGS)
    assert fields == (query.TEXT_FIELDS | query.LIST_FIELDS | query.STRING_FIELDS) - {"type"}
    for clip in list(bluebillywig.state.db["mediaclips"].values())[:50]:
        assert all(index_value(clip, f) == clip.get(f) for f in fields)
        assert index_value(clip, "type") == "MediaClip"
