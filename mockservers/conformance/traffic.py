"""Recorded traffic (journal JSON lines, HAR files) checked against the contracts."""

from __future__ import annotations

import base64
import fnmatch
import glob
import ipaddress
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from mockservers.conformance.report import Report, endpoint_label
from mockservers.core.contracts import contract_set
from mockservers.core.journal import summarize_body
from mockservers.registry import PROVIDERS, provider


class TrafficError(ValueError):
    """The file is neither a journal export nor a HAR file (message says why)."""


@dataclass
class Recorded:
    """One recorded exchange, whatever the source format."""

    method: str
    path: str
    query: str
    status: int
    request_body: dict[str, Any]
    response_body: dict[str, Any]
    host: str = ""
    source: str = ""
    # Injected by a fault rule (or dropped): the answer is the test's, not the provider's.
    fault: bool = False
    request_headers: dict[str, str] = field(default_factory=dict)

    @property
    def is_probe(self) -> bool:
        """A deliberate bad request of the conformance walk (it marks them with PROBE_HEADER)."""
        return any(k.lower() == PROBE_HEADER.lower() for k in self.request_headers)


# The conformance walk sends this header on the requests it makes invalid on purpose, so that
# traffic recorded while it ran can be verified without its negative probes counting as violations.
PROBE_HEADER = "X-Mockservers-Probe"


def expand_paths(patterns: list[str]) -> list[Path]:
    """Files named or matched by the patterns, in order, each once (a pattern matching nothing is an error)."""
    found: list[Path] = []
    for pattern in patterns:
        matches = sorted(glob.glob(pattern, recursive=True)) if glob.has_magic(pattern) else [pattern]
        if not matches:
            raise TrafficError(f"no file matches {pattern!r}")
        for match in matches:
            path = Path(match)
            if path not in found:
                found.append(path)
    return found


def load_many(patterns: list[str]) -> list[Recorded]:
    """Exchanges of every file named or matched (see :func:`load_traffic`)."""
    exchanges: list[Recorded] = []
    for path in expand_paths(patterns):
        exchanges += load_traffic(path)
    return exchanges


def load_traffic(path: Path) -> list[Recorded]:
    """Exchanges from a journal export (JSON lines, or the admin API's ``{"entries": [...]}``) or a HAR file."""
    try:
        text = path.read_text()
    except OSError as exc:
        raise TrafficError(f"cannot read {path}: {exc.strerror}") from None
    stripped = text.lstrip()
    if not stripped:
        return []
    if stripped.startswith("{") and "\n{" not in stripped.strip():
        try:
            document = json.loads(stripped)
        except ValueError as exc:
            raise TrafficError(f"{path}: not JSON ({exc})") from None
        if isinstance(document.get("log"), dict):
            return _from_har(document, path)
        if isinstance(document.get("entries"), list):
            return [_from_journal(entry, f"{path}#{i}") for i, entry in enumerate(document["entries"])]
        return [_from_journal(document, f"{path}:1")]
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                found.append(_from_journal(json.loads(line), f"{path}:{number}"))
            except ValueError as exc:
                raise TrafficError(f"{path}:{number}: not a JSON line ({exc})") from None
    return found


def _from_journal(entry: Any, source: str) -> Recorded:
    if not isinstance(entry, dict) or not {"method", "path", "status"} <= entry.keys():
        raise TrafficError(f"{source}: not a journal entry (needs method, path, status)")
    return Recorded(
        method=str(entry["method"]),
        path=str(entry["path"]),
        query=str(entry.get("query") or ""),
        status=int(entry["status"]),
        request_body=dict(entry.get("request_body") or {}),
        response_body=dict(entry.get("response_body") or {}),
        source=source if not entry.get("outbound") else "outbound",
        fault=bool(entry.get("fault") or entry.get("dropped")),
        request_headers={str(k): str(v) for k, v in dict(entry.get("request_headers") or {}).items()},
    )


def _har_body(content_type: str, text: str | None, encoding: str | None) -> dict[str, Any]:
    raw = (text or "").encode()
    if encoding == "base64":
        raw = base64.b64decode(raw)
    return summarize_body(content_type, raw, len(raw))


def _from_har(document: dict[str, Any], path: Path) -> list[Recorded]:
    found = []
    for index, entry in enumerate(document["log"].get("entries", [])):
        try:
            request, response = entry["request"], entry["response"]
            url = urlsplit(request["url"])
            post = request.get("postData") or {}
            content = response.get("content") or {}
            found.append(
                Recorded(
                    method=request["method"],
                    path=url.path or "/",
                    query=url.query,
                    status=int(response["status"]),
                    request_body=_har_body(post.get("mimeType", ""), post.get("text"), None),
                    response_body=_har_body(content.get("mimeType", ""), content.get("text"), content.get("encoding")),
                    host=url.hostname or "",
                    source=f"{path}#entry{index}",
                    request_headers={h["name"]: h.get("value", "") for h in request.get("headers") or [] if "name" in h},
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise TrafficError(f"{path}: HAR entry {index} is incomplete ({exc})") from None
    return found


def provider_for_host(host: str) -> tuple[str, str] | None:
    """(provider, path prefix) whose real hostname this is, if any."""
    for name in PROVIDERS:
        for pattern, prefix in provider(name).hosts.items():
            if fnmatch.fnmatch(host.lower(), pattern):
                return name, prefix
    return None


def guess_provider(exchanges: list[Recorded]) -> str:
    """The provider whose contracts cover most of the recorded routes."""
    best, best_hits = "", -1
    for name in PROVIDERS:
        contracts = contract_set(name)
        hits = sum(1 for e in exchanges if contracts.endpoint_for(e.method, e.path) is not None)
        if hits > best_hits:
            best, best_hits = name, hits
    if best_hits <= 0:
        raise TrafficError("no provider's contracts match these routes; name one with --provider")
    return best


def is_local_host(host: str) -> bool:
    """Loopback names and addresses: where emulators (and a sandbox) answer."""
    if host.lower() in ("localhost", "localhost.localdomain") or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def verify_traffic(
    exchanges: list[Recorded], provider_name: str | None = None, hosts: dict[str, str] | None = None
) -> list[Report]:
    """One report per provider found in the traffic; requests, queries and responses are all checked.

    Left out, and counted on the report: callbacks the emulator sent and its admin API; exchanges a
    fault rule answered; the conformance walk's deliberate bad requests; hosts that are neither a
    provider's, nor loopback, nor named in ``hosts`` (``{host: provider}``), e.g. a page's CDN.
    """
    hosts = {k.lower(): v for k, v in (hosts or {}).items()}
    by_provider: dict[str, list[Recorded]] = {}
    unassigned: list[Recorded] = []
    ignored: Counter[str] = Counter()
    for exchange in exchanges:
        if exchange.source == "outbound" or exchange.path.startswith("/__admin/"):
            continue  # callbacks the emulator sent, and its admin API, are not the provider's API
        if exchange.fault:
            ignored["fault-injected"] += 1
            continue
        if exchange.is_probe:
            ignored["deliberate bad request of the conformance walk"] += 1
            continue
        host = exchange.host.lower()
        if host in hosts:
            by_provider.setdefault(hosts[host], []).append(exchange)
            continue
        known = provider_for_host(host) if host else None
        if known and (provider_name is None or known[0] == provider_name):
            name, prefix = known
            if prefix:
                exchange.path = prefix + exchange.path
            by_provider.setdefault(name, []).append(exchange)
        elif known or (host and not is_local_host(host)):
            ignored[f"host {host} (not {provider_name})" if known else f"host {host} (no provider)"] += 1
        else:
            unassigned.append(exchange)
    if unassigned:
        by_provider.setdefault(provider_name or guess_provider(unassigned), []).extend(unassigned)
    reports = []
    for name, items in by_provider.items():
        if name not in PROVIDERS:
            raise TrafficError(f"unknown provider {name!r}; known: {', '.join(PROVIDERS)}")
        reports.append(_verify(name, items))
    if not reports and (provider_name or ignored):
        reports.append(_verify(provider_name or next(iter(PROVIDERS)), []) if provider_name else Report.empty())
    for report in reports[:1]:
        report.ignored.update(ignored)
    return reports


def _verify(name: str, exchanges: list[Recorded]) -> Report:
    contracts = contract_set(name)
    report = Report(name, f"{name}: {len(exchanges)} recorded exchange(s) checked against contracts/{name}/")
    for exchange in exchanges:
        endpoint = contracts.endpoint_for(exchange.method, exchange.path)
        label = (
            endpoint_label(endpoint.method, endpoint.path) if endpoint else endpoint_label(exchange.method, exchange.path)
        )
        body = exchange.response_body
        found = contracts.check_exchange(
            exchange.method,
            exchange.path,
            exchange.status,
            body.get("json"),
            "json" in body,
            request_json=exchange.request_body.get("json"),
            query=dict(parse_qsl(exchange.query, keep_blank_values=True)),
            check_request=True,
        )
        report.violations(label, found, context=f"{exchange.source} status {exchange.status}")
    for row in report.rows.values():
        if not row.exchanges:
            report.skipped(row.endpoint, "not in the recorded traffic")
    return report
