"""The journal: every request and response an emulator saw, in order."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from mockservers.core.clock import VirtualClock

# Bodies up to this size are kept whole (and parsed when JSON) so tests can
# inspect them and contracts can be checked; larger ones keep only a summary.
KEEP_BODY_BYTES = 1024 * 1024
REDACTED_HEADERS = ()


@dataclass
class Exchange:
    """One request/response pair."""

    seq: int
    time: str
    method: str
    path: str
    query: str
    request_headers: dict[str, str]
    request_body: dict[str, Any]
    status: int = 0
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: dict[str, Any] = field(default_factory=dict)
    duration_ms: float = 0.0
    admin: bool = False
    fault: str | None = None
    dropped: bool = False

    def to_json(self) -> dict[str, Any]:
        """JSON view (the admin API and exports)."""
        return asdict(self)

    @property
    def response_json(self) -> Any:
        """The parsed JSON response body, or None."""
        return self.response_body.get("json")

    @property
    def request_json(self) -> Any:
        """The parsed JSON request body, or None."""
        return self.request_body.get("json")


def summarize_body(content_type: str, data: bytes, total: int) -> dict[str, Any]:
    """A body summary: size, type, and the JSON value or a text preview when small."""
    summary: dict[str, Any] = {"size": total, "content_type": content_type}
    if total == 0:
        return summary
    if total > KEEP_BODY_BYTES or len(data) < total:
        summary["truncated"] = True
        return summary
    base = content_type.split(";")[0].strip().lower()
    if base == "application/json" or base.endswith("+json"):
        try:
            summary["json"] = json.loads(data)
        except ValueError:
            summary["text"] = data[:2048].decode("utf-8", "replace")
    elif base.startswith("text/") or base in ("application/x-www-form-urlencoded",):
        summary["text"] = data[:2048].decode("utf-8", "replace")
    return summary


class Journal:
    """Thread-safe, ordered record of exchanges."""

    def __init__(self, clock: VirtualClock, limit: int = 10_000) -> None:
        self.clock = clock
        self.limit = limit
        self._lock = threading.Lock()
        self._entries: list[Exchange] = []
        self._seq = 0

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._entries.clear()
            self._seq = 0

    def begin(self, method: str, path: str, query: str, headers: dict[str, str], admin: bool) -> Exchange:
        """Start an exchange (recorded when :meth:`finish` is called)."""
        with self._lock:
            self._seq += 1
            seq = self._seq
        return Exchange(
            seq=seq,
            time=self.clock.now().isoformat().replace("+00:00", "Z"),
            method=method,
            path=path,
            query=query,
            request_headers=headers,
            request_body={},
            admin=admin,
        )

    def finish(self, exchange: Exchange) -> None:
        """Record a completed exchange."""
        with self._lock:
            self._entries.append(exchange)
            if len(self._entries) > self.limit:
                del self._entries[: len(self._entries) - self.limit]

    def entries(
        self,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        include_admin: bool = False,
    ) -> list[Exchange]:
        """Recorded exchanges, oldest first, optionally filtered (path: exact or prefix ending in ``*``)."""
        with self._lock:
            items = sorted(self._entries, key=lambda e: e.seq)
        return [e for e in items if _keep(e, method, path, status, include_admin)]

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


def _keep(e: Exchange, method: str | None, path: str | None, status: int | None, include_admin: bool) -> bool:
    if e.admin and not include_admin:
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
        return self._seen(self._stream.read(*args))

    def readline(self, *args: Any) -> bytes:
        """Read a line and record."""
        return self._seen(self._stream.readline(*args))

    def readlines(self, *args: Any) -> list[bytes]:
        """Read lines and record."""
        return [self._seen(line) for line in self._stream.readlines(*args)]

    def __iter__(self) -> Iterable[bytes]:
        for chunk in self._stream:
            yield self._seen(chunk)


def now_ms() -> float:
    """Wall-clock milliseconds for measuring how long a request took (not API time)."""
    return time.perf_counter() * 1000.0
