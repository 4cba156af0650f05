"""Mediaclip lists and searches from an index instead of a scan of every clip.

One index (:class:`mockservers.core.tables.IndexSpec`) over the clips that are
not deleted, every posting list in the default order (``createddate desc``,
then ``id desc``, then insertion order, as the stable sorts of a scan give):

* ``("live",)``: every clip that is not deleted;
* ``("t", field, word)``: text fields, by word (as :func:`query._words` splits them);
* ``("l", field, item)``: list fields (cat, tags), by item, lower case;
* ``("s", field, value)``: string fields, by value, lower case.

:func:`candidates` turns a query into the posting list that holds every clip
it can match and says whether every clip on it matches (``exact``): a page of
an exact list is read off it, any other list is checked clip by clip with
:func:`query.matches`, still without sorting. Queries the index cannot narrow
(ranges, wildcards, ``NOT``, numbers, dates) check the ``live`` list. What a
list or search answers is the same as a scan's, only cheaper.
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable
from typing import Any

from mockservers.bluebillywig import query
from mockservers.core.tables import Entry, IndexSpec, Table

LIVE: tuple[str] = ("live",)


def index_value(clip: dict[str, Any], field: str) -> Any:
    """A clip's value for a query/sort field (dates as POSIX seconds)."""
    if field == "id":
        return int(clip["id"])
    if field == "createddate":
        return clip["created"]
    if field == "updateddate":
        return clip["updated"]
    if field == "publisheddate":
        return clip["published"]
    if field == "date":
        return clip["date"] or None
    if field == "type":
        return "MediaClip"
    return clip.get(field)


def default_order(clip: dict[str, Any]) -> tuple[Any, ...]:
    """``createddate desc, id desc`` as one ascending key."""
    created = query.sort_key("createddate", index_value(clip, "createddate"))
    return (-created[0], -created[1], -int(clip["id"]))


# index_value() of these fields is the clip's own value (checked in tests/bluebillywig): read directly.
_TEXT = tuple(sorted(query.TEXT_FIELDS))
_LISTS = tuple(sorted(query.LIST_FIELDS))
_STRINGS = tuple(sorted(query.STRING_FIELDS - {"type"}))


def _groups(clip: dict[str, Any]) -> list[Hashable]:
    if clip["status"] == "deleted":
        return []
    groups: dict[Hashable, None] = {LIVE: None, ("s", "type", "mediaclip"): None}
    get, words = clip.get, query._words
    for field in _TEXT:
        value = get(field)
        if value:
            for word in words(str(value)):
                groups[("t", field, word)] = None
    for field in _LISTS:
        for item in get(field) or ():
            if item is not None:
                groups[("l", field, str(item).lower())] = None
    for field in _STRINGS:
        value = get(field)
        if value is not None:
            groups[("s", field, str(value).lower())] = None
    return list(groups)


CLIPS = IndexSpec("bluebillywig.mediaclips.search", _groups, default_order)


def live(clips: Table) -> list[Entry]:
    """Every clip that is not deleted, in the default order."""
    return clips.ordered(CLIPS, LIVE)


def _merge(lists: list[list[Entry]]) -> list[Entry]:
    """The union of posting lists, in order, each clip once."""
    lists = [entries for entries in lists if entries]
    if len(lists) <= 1:
        return lists[0] if lists else []
    merged: list[Entry] = []
    for entry in heapq.merge(*lists):
        if not merged or merged[-1] != entry:
            merged.append(entry)
    return merged


def candidates(clips: Table, node: query.Node) -> tuple[list[Entry], bool] | None:
    """A posting list holding every clip ``node`` can match, and whether all of them match; None: no narrower list."""
    if isinstance(node, query.MatchAll):
        return live(clips), True
    if isinstance(node, query.Term):
        return _term(clips, node)
    if isinstance(node, query.And):
        found = [c for c in (candidates(clips, clause) for clause in node.clauses) if c is not None]
        if not found:
            return None
        entries, exact = min(found, key=lambda c: len(c[0]))
        return entries, exact and len(node.clauses) == 1
    if isinstance(node, query.Or):
        found = [candidates(clips, clause) for clause in node.clauses]
        if any(c is None for c in found):
            return None
        return _merge([c[0] for c in found if c is not None]), all(c[1] for c in found if c is not None)
    return None  # Not, Range


def _term(clips: Table, term: query.Term) -> tuple[list[Entry], bool] | None:
    field, text = term.field, term.text
    if field is None:
        return candidates(clips, query.Or(tuple(query.Term(f, text, term.phrase) for f in query.DEFAULT_FIELDS)))
    if field not in query.KNOWN_FIELDS:
        return [], True  # an unknown field matches nothing
    wildcard = query._is_wildcard(text) and not term.phrase
    if (text == "*" and not term.phrase) or wildcard:
        return None
    if field in query.TEXT_FIELDS:
        wanted = query._words(text)
        if not wanted:
            return [], True
        lists = [clips.ordered(CLIPS, ("t", field, word)) for word in wanted]
        return min(lists, key=len), len(wanted) == 1
    if field in query.LIST_FIELDS:
        return clips.ordered(CLIPS, ("l", field, text.lower())), True
    if field in query.STRING_FIELDS:
        return clips.ordered(CLIPS, ("s", field, text.lower())), True
    return None  # numbers and dates: compared as values, not indexed
