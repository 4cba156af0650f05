"""The journal: every request and response an emulator saw, in order."""

from __future__ import annotations

import bisect
import contextlib
import json
import operator
import os
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

from werkzeug.exceptions import BadRequest

from mockservers.core.clock import VirtualClock, utc_datetime
from mockservers.core.safejson import _DECODER, MAX_JSON_DEPTH, safe_loads

# Bodies up to this size are kept whole (and parsed when JSON) so tests can
# inspect them and contracts can be checked; larger ones keep only a summary.
KEEP_BODY_BYTES = 1024 * 1024
# The journal forgets its oldest entries past this many retained bytes (bodies and headers), so a
# long session of downloads cannot grow without bound. Override: MOCKSERVERS_JOURNAL_MAX_BYTES.
DEFAULT_JOURNAL_MAX_BYTES = 64 * 1024 * 1024
# What an entry costs beyond its bodies (headers, fields, summaries): an estimate for the byte bound.
ENTRY_OVERHEAD_BYTES = 1024


_SEQ = operator.attrgetter("seq")
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def journal_max_bytes() -> int:
    """The byte bound of every journal: the environment's override or 64 MiB."""
    raw = os.environ.get("MOCKSERVERS_JOURNAL_MAX_BYTES", "")
    return int(raw) if raw.isascii() and raw.isdigit() and int(raw) > 0 else DEFAULT_JOURNAL_MAX_BYTES


class Exchange:
    """One request/response pair.

    Bodies are kept raw (first bytes, size, type) and summarized on first
    access, so recording costs next to nothing on requests nobody inspects.
    """

    FIELDS = (
        "seq", "time", "method", "path", "query", "request_headers", "request_body", "status",
        "response_headers", "response_body", "duration_ms", "admin", "fault", "dropped", "outbound", "warnings",
    )

    def __init__(
        self,
        seq: int,
        time: str | float,
        method: str,
        path: str,
        query: str,
        request_headers: dict[str, str] | list[tuple[str, str]],
        request_body: dict[str, Any] | None = None,
        status: int = 0,
        response_headers: dict[str, str] | list[tuple[str, str]] | None = None,
        response_body: dict[str, Any] | None = None,
        duration_ms: float = 0.0,
        admin: bool = False,
        fault: str | None = None,
        dropped: bool = False,
        outbound: bool = False,
        warnings: list[dict[str, str]] | None = None,
    ) -> None:
        # Fidelity warnings (mockservers.core.fidelity.warn): where the real service might answer otherwise.
        self.warnings: list[dict[str, str]] = list(warnings or [])
        # ``outbound``: a request the emulator made (a callback), ``path`` then the absolute URL.
        self.outbound = outbound
        # ``time`` may arrive as POSIX seconds and is formatted on first read.
        self._time: str | float = time
        self.seq, self.method, self.path, self.query = seq, method, path, query
        self.request_headers = request_headers  # type: ignore[assignment]
        self.status = status
        self.response_headers = response_headers or {}  # type: ignore[assignment]
        self.duration_ms = duration_ms
        self.admin, self.fault, self.dropped = admin, fault, dropped
        self._request_body = request_body
        self._response_body = response_body
        self._raw_request: tuple[str, bytes, int] | None = None
        self._raw_response: tuple[str, bytes, int] | None = None

    @property
    def request_headers(self) -> dict[str, str]:
        """Request headers by their usual names."""
        raw = self._request_headers
        if isinstance(raw, list):  # WSGI environ pairs recorded by the middleware
            named = {}
            for key, value in raw:
                if key == "CONTENT_TYPE":
                    named["Content-Type"] = value
                elif key == "CONTENT_LENGTH":
                    named["Content-Length"] = value
                else:
                    named[key[5:].replace("_", "-").title()] = value
            object.__setattr__(self, "_request_headers", named)  # a lazy view, not a change
            raw = named
        return raw

    @request_headers.setter
    def request_headers(self, value: dict[str, str] | list[tuple[str, str]]) -> None:
        self._request_headers = value

    @property
    def response_headers(self) -> dict[str, str]:
        """Response headers."""
        raw = self._response_headers
        if isinstance(raw, list):
            raw = dict(raw)
            object.__setattr__(self, "_response_headers", raw)
        return raw

    @response_headers.setter
    def response_headers(self, value: dict[str, str] | list[tuple[str, str]]) -> None:
        self._response_headers = value

    @property
    def time(self) -> str:
        """When the request arrived, ISO 8601 UTC on the virtual clock."""
        if not isinstance(self._time, str):
            stamp = utc_datetime(self._time)
            object.__setattr__(self, "_time", stamp.isoformat().replace("+00:00", "Z"))
        return self._time  # type: ignore[return-value]

    def set_raw_bodies(self, request: tuple[str, bytes, int], response: tuple[str, bytes, int]) -> None:
        """(content type, first bytes, total size) of each body, summarized lazily.

        A body over the summary limit is reported by size only, so its bytes are not kept at all.
        """
        self._raw_request, self._raw_response = _retained(request), _retained(response)
        self._request_body = self._response_body = None
        self.__dict__.pop("_json_ok", None)  # verdicts on the previous bodies

    @property
    def request_body(self) -> dict[str, Any]:
        """Summary of the request body (size, content_type, json/text when small)."""
        if self._request_body is None:
            object.__setattr__(self, "_request_body", _summary(self._raw_request))
        return self._request_body  # type: ignore[return-value]

    @request_body.setter
    def request_body(self, value: dict[str, Any]) -> None:
        self._request_body = value

    @property
    def response_body(self) -> dict[str, Any]:
        """Summary of the response body."""
        if self._response_body is None:
            object.__setattr__(self, "_response_body", _summary(self._raw_response))
        return self._response_body  # type: ignore[return-value]

    @response_body.setter
    def response_body(self, value: dict[str, Any]) -> None:
        self._response_body = value

    def retained_bytes(self) -> int:
        """Roughly what this entry holds in memory (for the journal's byte bound).

        Fixed once the journal has recorded the entry (its kept bytes and cached encoding), so
        what the journal adds for an entry is what it subtracts when the entry goes.
        """
        fixed = self.__dict__.get("_retained")
        if fixed is not None:
            return fixed
        held = sum(len(raw[1]) for raw in (self._raw_request, self._raw_response) if raw)
        return held + len(self.__dict__.get("_encoded") or b"") + ENTRY_OVERHEAD_BYTES

    def seal(self) -> None:
        """Called when the journal records the entry: encode a small one now, fix its size.

        Encoding at record time (a few microseconds for a typical exchange, spent after the
        answer is complete) is what makes the first read of ten thousand entries a join.
        Entries with large bodies are encoded on each read instead (splicing their kept JSON
        text, validated once), so the journal never holds their bytes twice.
        """
        held = sum(len(raw[1]) for raw in (self._raw_request, self._raw_response) if raw)
        if held <= EAGER_ENCODE_BYTES:
            self.encoded()
        object.__setattr__(self, "_retained", None)
        object.__setattr__(self, "_retained", self.retained_bytes())

    def __setattr__(self, name: str, value: Any) -> None:
        # Any change after recording drops the cached encoding (see :meth:`encoded`).
        object.__setattr__(self, name, value)
        if name != "_encoded":
            object.__setattr__(self, "_encoded", None)

    def encoded(self) -> bytes:
        """:meth:`to_json` as compact JSON bytes, cached: a journal read re-encodes only new or changed entries.

        Built field by field; a kept JSON body is spliced in as its own (validated) text
        instead of being parsed into objects and encoded again.
        """
        cached = self.__dict__.get("_encoded")
        if cached is not None and self.__dict__.get("_encoded_warnings") == len(self.warnings):
            return cached
        encoded = _encode_exchange(self)
        if self.__dict__.get("_retained") is None or len(encoded) <= EAGER_ENCODE_BYTES:
            # A recorded large entry is not cached: its size in the byte bound is fixed without it.
            object.__setattr__(self, "_encoded", encoded)
            object.__setattr__(self, "_encoded_warnings", len(self.warnings))
        return encoded

    def to_json(self) -> dict[str, Any]:
        """JSON view (the admin API and exports); containers are fresh, parsed body values are shared."""
        view = {name: getattr(self, name) for name in self.FIELDS}
        # Shallow copies: a caller editing the view cannot change the record, and a read of ten
        # thousand entries costs no deep copy of every body (parsed JSON is treated as read-only).
        view["request_headers"] = dict(view["request_headers"])
        view["response_headers"] = dict(view["response_headers"])
        view["request_body"] = dict(view["request_body"])
        view["response_body"] = dict(view["response_body"])
        view["warnings"] = [dict(w) for w in view["warnings"]]
        return view

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Exchange:
        """Rebuild from :meth:`to_json` output (e.g. GET /__admin/journal)."""
        return cls(**{name: data[name] for name in cls.FIELDS if name in data})

    def __repr__(self) -> str:
        return f"<Exchange #{self.seq} {self.method} {self.path} -> {self.status}>"

    @property
    def response_json(self) -> Any:
        """The parsed JSON response body, or None."""
        return self.response_body.get("json")

    @property
    def request_json(self) -> Any:
        """The parsed JSON request body, or None."""
        return self.request_body.get("json")


def _retained(raw: tuple[str, bytes, int]) -> tuple[str, bytes, int]:
    content_type, data, total = raw
    return (content_type, b"", total) if total > KEEP_BODY_BYTES or len(data) < total else raw


def _summary(raw: tuple[str, bytes, int] | None) -> dict[str, Any]:
    return summarize_body(*raw) if raw else {"size": 0, "content_type": ""}


def _body_kind(content_type: str, data: bytes, total: int) -> str:
    """Which summary :func:`summarize_body` gives: empty, truncated, json, text or none (size and type only)."""
    if total == 0:
        return "empty"
    if total > KEEP_BODY_BYTES or len(data) < total or (total and not data):
        return "truncated"
    base = content_type.split(";")[0].strip().lower()
    if base == "application/json" or base.endswith("+json"):
        return "json"
    if base.startswith("text/") or base in ("application/x-www-form-urlencoded",):
        return "text"
    return "none"


def summarize_body(content_type: str, data: bytes, total: int) -> dict[str, Any]:
    """A body summary: size, type, and the JSON value or a text preview when small."""
    summary: dict[str, Any] = {"size": total, "content_type": content_type}
    if total == 0:
        return summary
    if total > KEEP_BODY_BYTES or len(data) < total or (total and not data):
        summary["truncated"] = True
        return summary
    base = content_type.split(";")[0].strip().lower()
    if base == "application/json" or base.endswith("+json"):
        try:
            # Limited: a 100,000-level body must still give a summary, never a RecursionError here.
            summary["json"] = safe_loads(data)
        except (ValueError, UnicodeDecodeError):
            summary["text"] = data[:2048].decode("utf-8", "replace")
    elif base.startswith("text/") or base in ("application/x-www-form-urlencoded",):
        summary["text"] = data[:2048].decode("utf-8", "replace")
    return summary


# -- encoding an entry ---------------------------------------------------------------
# An entry whose kept bodies are at most this many bytes is encoded when recorded (and its
# encoding cached); larger ones are encoded on read.
EAGER_ENCODE_BYTES = 64 * 1024
_encode_string = json.encoder.encode_basestring  # C version when available (ensure_ascii=False)
_INFINITY = float("inf")
_c_make_encoder = getattr(json.encoder, "c_make_encoder", None)
# :data:`_ENCODER`'s C core, built once (JSONEncoder.encode builds one per call: most of its cost on a small dict).
_C_ENCODE = (
    _c_make_encoder(None, _ENCODER.default, _encode_string, None, ":", ",", False, False, True)
    if _c_make_encoder is not None
    else None
)


def _encode(value: Any) -> str:
    """``_ENCODER.encode(value)`` for a container, without its per-call setup."""
    if _C_ENCODE is None:
        return _ENCODER.encode(value)
    return "".join(_C_ENCODE(value, 0))


def _value(value: Any) -> str:
    """One JSON value as :data:`_ENCODER` writes it, with the common scalars done directly."""
    if value.__class__ is str:
        return _encode_string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value.__class__ is int:
        return int.__repr__(value)
    if value.__class__ is float and -_INFINITY < value < _INFINITY:
        return float.__repr__(value)
    return _ENCODER.encode(value)


def _json_ok(data: bytes) -> bool:
    """Whether ``data`` is UTF-8 JSON text :func:`summarize_body` parses (so it can be spliced in as it is)."""
    if data[:3] == b"\xef\xbb\xbf":
        return False  # a BOM: the parsing way handles it
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False  # other encodings (UTF-16/32) go the parsing way
    # At most 64 opening brackets cannot nest deeper than the limit: no depth walk needed.
    if data.count(b"[") + data.count(b"{") <= MAX_JSON_DEPTH:
        try:
            _DECODER.decode(text)
        except (ValueError, RecursionError):
            return False
        return True
    try:
        safe_loads(text)
    except (ValueError, UnicodeDecodeError):
        return False
    return True


def _encode_body(exchange: Exchange, given: dict[str, Any] | None, raw: tuple[str, bytes, int] | None, which: int) -> bytes:
    if given is not None or raw is None:  # set directly (or rebuilt from JSON), or nothing recorded
        return _ENCODER.encode(given if given is not None else _summary(raw)).encode()
    content_type, data, total = raw
    if total == 0:
        return b'{"size":0,"content_type":%s}' % _encode_string(content_type).encode()
    if _body_kind(content_type, data, total) == "json":
        verdicts = exchange.__dict__.get("_json_ok")
        if verdicts is None:
            verdicts = exchange.__dict__["_json_ok"] = [None, None]
        ok = verdicts[which]
        if ok is None:  # validated once; the text is the kept bytes themselves
            ok = verdicts[which] = _json_ok(data)
        if ok:
            return b'{"size":%d,"content_type":%s,"json":%s}' % (total, _encode_string(content_type).encode(), data)
    return _ENCODER.encode(summarize_body(content_type, data, total)).encode()


def _encode_exchange(e: Exchange) -> bytes:
    """The compact JSON of :meth:`Exchange.to_json`, field for field."""
    fields = e.__dict__
    warnings = e.warnings
    try:
        head = (
            f'{{"seq":{_value(e.seq)},"time":{_value(e.time)},"method":{_value(e.method)},"path":{_value(e.path)},'
            f'"query":{_value(e.query)},"request_headers":{_encode(e.request_headers)},"request_body":'
        ).encode()
        middle = f',"status":{_value(e.status)},"response_headers":{_encode(e.response_headers)},"response_body":'.encode()
        tail = (
            f',"duration_ms":{_value(e.duration_ms)},"admin":{_value(e.admin)},"fault":{_value(e.fault)},'
            f'"dropped":{_value(e.dropped)},"outbound":{_value(e.outbound)},'
            f'"warnings":{_encode(warnings) if warnings else "[]"}}}'
        ).encode()
        request = _encode_body(e, fields["_request_body"], fields["_raw_request"], 0)
        response = _encode_body(e, fields["_response_body"], fields["_raw_response"], 1)
    except UnicodeEncodeError:  # a lone surrogate somewhere: escaped, as ASCII JSON
        return json.dumps(e.to_json(), separators=(",", ":")).encode()
    return b"".join((head, request, middle, response, tail))


class Journal:
    """Thread-safe, ordered record of exchanges."""

    def __init__(self, clock: VirtualClock, limit: int = 10_000, max_bytes: int | None = None) -> None:
        self.clock = clock
        self.limit = limit
        self.max_bytes = journal_max_bytes() if max_bytes is None else max_bytes
        self._lock = threading.Lock()
        self._entries: list[Exchange] = []
        self._bytes = 0
        self._seq = 0

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0
            self._seq = 0

    def begin(self, method: str, path: str, query: str, headers: dict[str, str] | list[tuple[str, str]], admin: bool) -> Exchange:
        """Start an exchange (recorded when :meth:`finish` is called)."""
        with self._lock:
            self._seq += 1
            seq = self._seq
        return Exchange(
            seq=seq,
            time=self.clock.time(),
            method=method,
            path=path,
            query=query,
            request_headers=headers,
            admin=admin,
        )

    def finish(self, exchange: Exchange) -> None:
        """Record a completed exchange."""
        exchange.seal()
        size = exchange.retained_bytes()
        with self._lock:
            entries = self._entries
            if entries and entries[-1].seq > exchange.seq:  # a slower request finishing after a newer one
                bisect.insort(entries, exchange, key=_SEQ)
            else:
                entries.append(exchange)
            self._bytes += size
            drop = max(0, len(entries) - self.limit)
            freed = sum(e.retained_bytes() for e in entries[:drop])
            # Oldest first, but the newest entry always stays (a test reads its own last exchange).
            while self._bytes - freed > self.max_bytes and drop < len(entries) - 1:
                freed += entries[drop].retained_bytes()
                drop += 1
            if drop:
                del entries[:drop]
                self._bytes -= freed

    def entries(
        self,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        include_admin: bool = False,
        include_outbound: bool = False,
    ) -> list[Exchange]:
        """Recorded exchanges, oldest first, optionally filtered (path: exact or prefix ending in ``*``).

        Outbound exchanges (callbacks the emulator made) are left out unless asked for.
        The entries themselves are shared, not copied (see :meth:`Exchange.to_json` for a copy).
        """
        with self._lock:
            items = list(self._entries)  # kept in seq order by finish()
        if method is None and path is None and status is None:
            if include_admin and include_outbound:
                return items
            return [e for e in items if (include_admin or not e.admin) and (include_outbound or not e.outbound)]
        return [e for e in items if _keep(e, method, path, status, include_admin, include_outbound)]

    def outbound(self, path: str | None = None, status: int | None = None) -> list[Exchange]:
        """Only the outbound exchanges (callbacks), optionally filtered by URL (exact or prefix*) and status."""
        return [e for e in self.entries(path=path, status=status, include_outbound=True) if e.outbound]

    def last(self, **filters: Any) -> Exchange | None:
        """The newest matching exchange."""
        found = self.entries(**filters)
        return found[-1] if found else None

    def __len__(self) -> int:
        return len(self.entries())

    def __iter__(self) -> Iterator[Exchange]:
        return iter(self.entries())

    def export_jsonl(self, include_admin: bool = False) -> str:
        """Entries as JSON lines (one exchange per line)."""
        return "".join(json.dumps(e.to_json()) + "\n" for e in self.entries(include_admin=include_admin))


def _keep(
    e: Exchange, method: str | None, path: str | None, status: int | None, include_admin: bool, include_outbound: bool = False
) -> bool:
    if e.admin and not include_admin:
        return False
    if e.outbound and not include_outbound:
        return False
    if method and e.method.upper() != method.upper():
        return False
    if status is not None and e.status != status:
        return False
    if path:
        return e.path.startswith(path[:-1]) if path.endswith("*") else e.path == path
    return True


class TeeInput:
    """Wraps ``wsgi.input``: counts every byte read and keeps the first ones."""

    def __init__(self, stream: Any, keep: int = KEEP_BODY_BYTES + 1) -> None:
        self._stream = stream
        self._keep = keep
        self.head = bytearray()
        self.total = 0

    def _seen(self, data: bytes) -> bytes:
        self.total += len(data)
        room = self._keep - len(self.head)
        if room > 0:
            self.head += data[:room]
        return data

    def read(self, *args: Any) -> bytes:
        """Read and record."""
        with _malformed_body_is_400():
            return self._seen(self._stream.read(*args))

    def readline(self, *args: Any) -> bytes:
        """Read a line and record."""
        with _malformed_body_is_400():
            return self._seen(self._stream.readline(*args))

    def readlines(self, *args: Any) -> list[bytes]:
        """Read lines and record."""
        with _malformed_body_is_400():
            return [self._seen(line) for line in self._stream.readlines(*args)]

    def __iter__(self) -> Iterable[bytes]:
        with _malformed_body_is_400():
            for chunk in self._stream:
                yield self._seen(chunk)


@contextlib.contextmanager
def _malformed_body_is_400() -> Iterator[None]:
    # werkzeug's server raises OSError("Invalid chunk header") for a chunk-size line like ``zz``;
    # as an HTTP 400 it reaches the provider's error renderer instead of answering 500.
    try:
        yield
    except (ConnectionError, TimeoutError):
        raise
    except (OSError, ValueError) as exc:
        raise BadRequest(f"the request body is malformed ({exc}); send a valid chunked or Content-Length body") from None


def now_ms() -> float:
    """Wall-clock milliseconds for measuring how long a request took (not API time)."""
    return time.perf_counter() * 1000.0
