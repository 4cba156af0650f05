"""An entry's cached JSON (what GET /__admin/journal sends) says exactly what ``to_json()`` says."""

from __future__ import annotations

import json

import pytest

from mockservers.core.clock import VirtualClock
from mockservers.core.journal import EAGER_ENCODE_BYTES, KEEP_BODY_BYTES, Exchange, Journal

BODIES = {
    "json object": ("application/json", b'{"a": [1, 2.5, null, true], "b": {"c": "\\u00e9t\\u00e9"}}'),
    "json with charset": ("application/json; charset=utf-8", b'  ["x", {"y": -1e3}]  '),
    "problem+json": ("application/problem+json", b'{"title": "Bad"}'),
    "json, many brackets, shallow": ("application/json", json.dumps([{"i": i} for i in range(200)]).encode()),
    "json too deep": ("application/json", b"[" * 70 + b"]" * 70),
    "json nested within the limit but over 64 brackets": ("application/json", json.dumps({"k": [[[[1]]]] * 40}).encode()),
    "invalid json": ("application/json", b'{"a": '),
    "json NaN": ("application/json", b'{"a": NaN}'),
    "json utf-16": ("application/json", '{"a": "b"}'.encode("utf-16")),
    "json utf-8 BOM": ("application/json", b'\xef\xbb\xbf{"a": 1}'),
    "json not utf-8": ("application/json", b'{"a": "\xff"}'),
    "json escaped lone surrogate": ("application/json", b'{"a": "\\ud800"}'),
    "text": ("text/plain; charset=utf-8", "h\u00e9llo".encode()),
    "form": ("application/x-www-form-urlencoded", b"a=1&b=2"),
    "binary": ("application/octet-stream", bytes(range(256))),
    "empty": ("", b""),
    "large json": ("application/json", json.dumps({"blob": "x" * (EAGER_ENCODE_BYTES + 10)}).encode()),
}


def _exchange(journal: Journal, content_type: str, body: bytes, total: int | None = None) -> Exchange:
    exchange = journal.begin("POST", "/things/\u00e9", "q=1&r=\u00fc", [("HTTP_X_A", "1"), ("CONTENT_TYPE", content_type)], False)
    exchange.status = 201
    exchange.response_headers = [("Content-Type", content_type), ("X-Count", "3")]
    exchange.duration_ms = 1.25
    sent = len(body) if total is None else total
    exchange.set_raw_bodies((content_type, body, sent), (content_type, body, sent))
    return exchange


def _same(exchange: Exchange) -> None:
    assert json.loads(exchange.encoded()) == exchange.to_json()


@pytest.mark.parametrize("name", sorted(BODIES))
def test_encoding_matches_to_json_for_every_kind_of_body(name: str) -> None:
    journal = Journal(VirtualClock())
    content_type, body = BODIES[name]
    exchange = _exchange(journal, content_type, body)
    journal.finish(exchange)
    _same(exchange)
    _same(exchange)  # the second read (cached or re-encoded) too


def test_the_cases_cover_spliced_parsed_and_summary_only_bodies() -> None:
    # The equality above must hold for each way a body is encoded; check the cases reach each way.
    journal = Journal(VirtualClock())
    kinds = {}
    for name, (content_type, body) in BODIES.items():
        exchange = _exchange(journal, content_type, body)
        kinds[name] = exchange.response_body
    assert "json" in kinds["json object"] and "json" in kinds["json nested within the limit but over 64 brackets"]
    assert "json" not in kinds["json too deep"] and "text" in kinds["json too deep"]
    assert "json" in kinds["json utf-16"] and "json" in kinds["json utf-8 BOM"]
    assert "text" in kinds["invalid json"] and "text" in kinds["json NaN"]
    assert set(kinds["binary"]) == {"size", "content_type"}
    # Valid UTF-8 JSON goes out as the very bytes received (spliced, not re-encoded) ...
    spliced = _exchange(journal, *BODIES["json with charset"])
    journal.finish(spliced)
    assert BODIES["json with charset"][1] in spliced.encoded()
    # ... anything else as its parsed summary.
    parsed = _exchange(journal, *BODIES["json utf-8 BOM"])
    journal.finish(parsed)
    assert BODIES["json utf-8 BOM"][1] not in parsed.encoded()


def test_truncated_bodies_encode_as_their_summary() -> None:
    journal = Journal(VirtualClock())
    exchange = _exchange(journal, "application/json", b'{"a": 1}', total=KEEP_BODY_BYTES + 5)
    journal.finish(exchange)
    assert json.loads(exchange.encoded())["request_body"] == {"size": KEEP_BODY_BYTES + 5, "content_type": "application/json", "truncated": True}
    _same(exchange)


def test_a_change_after_recording_shows_in_the_next_read() -> None:
    journal = Journal(VirtualClock())
    exchange = _exchange(journal, "application/json", b'{"a": 1}')
    journal.finish(exchange)
    before = exchange.encoded()
    exchange.status = 500
    exchange.warnings.append({"code": "late", "message": "added in place", "source": "inferred"})
    exchange.set_raw_bodies(("text/plain", b"new", 3), ("application/json", b'{"b": 2}', 8))
    after = json.loads(exchange.encoded())
    assert after != json.loads(before)
    assert after["status"] == 500 and after["warnings"][0]["code"] == "late"
    assert after["request_body"]["text"] == "new" and after["response_body"]["json"] == {"b": 2}
    _same(exchange)


def test_reading_lazy_fields_keeps_the_cached_encoding() -> None:
    journal = Journal(VirtualClock())
    exchange = _exchange(journal, "application/json", b'{"a": 1}')
    journal.finish(exchange)
    cached = exchange.encoded()
    assert exchange.time and exchange.request_headers and exchange.response_json == {"a": 1}
    assert exchange.encoded() is cached


def test_a_lone_surrogate_still_gives_valid_json() -> None:
    journal = Journal(VirtualClock())
    exchange = _exchange(journal, "application/json", b"{}")
    exchange.warnings.append({"code": "odd", "message": "\ud800", "source": "inferred"})
    journal.finish(exchange)
    assert json.loads(exchange.encoded().decode("ascii"))["warnings"][0]["message"] == "\ud800"


def test_rebuilt_and_hand_made_exchanges_encode_like_to_json() -> None:
    journal = Journal(VirtualClock())
    original = _exchange(journal, "application/json", b'{"a": [1, 2]}')
    journal.finish(original)
    rebuilt = Exchange.from_json(json.loads(original.encoded()))
    assert rebuilt.to_json() == original.to_json()
    _same(rebuilt)
    _same(Exchange(seq=7, time=0.5, method="GET", path="/", query="", request_headers={}, duration_ms=3.0))


def test_entries_finishing_out_of_order_are_listed_by_seq() -> None:
    journal = Journal(VirtualClock(), limit=3)
    first, second, third = (journal.begin("GET", f"/{n}", "", {}, False) for n in range(3))
    for exchange in (second, third, first):  # the oldest request answers last
        journal.finish(exchange)
    assert [e.seq for e in journal.entries()] == [1, 2, 3]
    journal.finish(journal.begin("GET", "/3", "", {}, False))
    assert [e.path for e in journal.entries()] == ["/1", "/2", "/3"]  # the oldest by seq went


def test_the_byte_bound_subtracts_what_it_added() -> None:
    journal = Journal(VirtualClock(), limit=5)
    bodies = [BODIES[name][1] for name in ("json object", "large json", "binary", "text")]
    for number in range(20):
        body = bodies[number % len(bodies)]
        exchange = _exchange(journal, "application/json", body)
        journal.finish(exchange)
        journal.entries()[0].encoded()  # reads in between must not change what an entry counts for
    assert journal._bytes == sum(e.retained_bytes() for e in journal.entries())


def test_the_admin_journal_goes_out_in_pieces_with_an_exact_length(pixop) -> None:
    from mockservers.core.admin import JOURNAL_PIECE_BYTES

    body = json.dumps({"blob": "z" * 5000}).encode()
    for number in range(3 * JOURNAL_PIECE_BYTES // 5000):
        exchange = pixop.journal.begin("GET", f"/media/{number}", "", [("HTTP_ACCEPT", "*/*")], False)
        exchange.status = 200
        exchange.set_raw_bodies(("", b"", 0), ("application/json", body, len(body)))
        pixop.journal.finish(exchange)
    try:
        with pixop.app.test_client() as client:
            response = client.get("/__admin/journal", buffered=False)
            pieces = list(response.response)
            data = b"".join(pieces)
        assert len(pieces) >= 3  # not one answer of the whole journal
        assert int(response.headers["Content-Length"]) == len(data)
        listed = json.loads(data)
        assert listed["count"] == len(listed["entries"]) == len(pixop.journal.entries())
        assert listed["entries"] == [e.to_json() for e in pixop.journal.entries()][: listed["count"]]
    finally:
        pixop.journal.clear()  # the made-up exchanges are not Pixop endpoints for the contract check


def test_an_empty_journal_is_an_empty_list(pixop) -> None:
    pixop.journal.clear()
    response = pixop.app.test_client().get("/__admin/journal")
    assert response.json == {"count": 0, "entries": []}
    assert int(response.headers["Content-Length"]) == len(response.data)
