"""The `mockservers contracts ...` subcommands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import requests

from mockservers.conformance.check import run_check
from mockservers.conformance.report import Report, junit_xml
from mockservers.conformance.traffic import TrafficError, load_many, verify_traffic
from mockservers.core.openapi import openapi_copy
from mockservers.registry import PROVIDERS
from mockservers.registry import provider as provider_spec


def contracts_command(args: argparse.Namespace) -> int:
    """Dispatch `contracts openapi|check|verify-journal|proxy`; the exit code says whether all conformed."""
    if args.contracts_command == "openapi":
        document = openapi_copy(args.provider, provider_spec(args.provider).title)
        if args.server:
            document["servers"] = [{"url": url} for url in args.server] + document.get("servers", [])
        text = json.dumps(document, indent=2) + "\n"
        if args.output:
            args.output.write_text(text)
        else:
            sys.stdout.write(text)
        return 0
    if args.contracts_command == "proxy":
        from mockservers.conformance.proxy import serve_proxy

        return serve_proxy(args)
    if args.contracts_command == "check":
        try:
            base_url, credentials = _check_target(args)
        except ValueError as exc:
            print(f"mockservers contracts check: {exc}", file=sys.stderr)
            return 2
        return _print([run_check(args.provider, base_url, credentials, read_only=args.read_only)], args)
    try:
        hosts = _host_map(args.host)
        reports = verify_traffic(load_many(args.files), args.provider, hosts)
    except (TrafficError, ValueError) as exc:
        print(f"mockservers contracts verify-journal: {exc}", file=sys.stderr)
        return 2
    return _print(reports, args)


def _host_map(values: list[str]) -> dict[str, str]:
    found = {}
    for value in values:
        host, sep, name = value.partition("=")
        if not sep or not host or name not in PROVIDERS:
            raise ValueError(f"--host must look like HOST=PROVIDER with a known provider, not {value!r}")
        found[host] = name
    return found


def _print(reports: list[Report], args: argparse.Namespace) -> int:
    seen_only = bool(getattr(args, "seen_only", False))
    if args.json:
        print(json.dumps([r.to_json(seen_only) for r in reports], indent=2))
    else:
        print("\n\n".join(r.render(seen_only) for r in reports))
    if getattr(args, "junit_xml", None):
        args.junit_xml.write_bytes(junit_xml(reports, seen_only))
    return 1 if any(r.failed for r in reports) else 0


def _check_target(args: argparse.Namespace) -> tuple[str, dict[str, Any]]:
    """Base URL and credentials from the flags, the credentials file, or an emulator's admin API."""
    base_url, credentials = args.base_url, None
    if args.credentials:
        data = _read_json(args.credentials)
        entry = data.get(args.provider) if isinstance(data.get(args.provider), dict) else None
        if entry is not None:
            credentials = entry.get("credentials", {})
            base_url = base_url or entry.get("base_url")
        else:
            credentials = data
    if not base_url:
        raise ValueError("give --base-url, or --credentials holding the provider's base_url")
    if credentials is None:
        credentials = _emulator_credentials(base_url, args.provider)
    else:
        _reachable(base_url)
    return base_url, credentials


def _reachable(base_url: str) -> None:
    """Fail early, and say so, when nothing listens at the URL (rather than one failure per endpoint)."""
    try:
        requests.get(base_url, timeout=10, allow_redirects=False)
    except requests.ConnectionError:
        raise ValueError(f"nothing answers at {base_url} (connection refused or no such host); is the server running?") from None
    except requests.RequestException:
        pass  # it answers, slowly or oddly: the walk reports what it finds


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise ValueError(f"{path} is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path} must hold a JSON object")
    return data


def _emulator_credentials(base_url: str, provider: str) -> dict[str, Any]:
    try:
        answer = requests.get(base_url.rstrip("/") + "/__admin/", timeout=10)
    except requests.ConnectionError:
        raise ValueError(f"nothing answers at {base_url} (connection refused or no such host); is the server running?") from None
    except requests.RequestException as exc:
        raise ValueError(f"{base_url} did not answer ({type(exc).__name__})") from None
    try:
        info = answer.json()
    except ValueError:
        info = {}
    if not isinstance(info, dict) or info.get("provider") != provider:
        raise ValueError(f"{base_url} answers, but is not a {provider} emulator; give --credentials for a real provider")
    return info["credentials"]
