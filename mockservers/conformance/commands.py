"""The `mockservers contracts ...` subcommands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import requests

from mockservers.conformance.check import run_check
from mockservers.conformance.report import Report
from mockservers.conformance.traffic import TrafficError, load_traffic, verify_traffic
from mockservers.core.openapi import openapi_copy
from mockservers.registry import provider as provider_spec


def contracts_command(args: argparse.Namespace) -> int:
    """Dispatch `contracts openapi|check|verify-journal`; the exit code says whether all conformed."""
    if args.contracts_command == "openapi":
        document = json.dumps(openapi_copy(args.provider, provider_spec(args.provider).title), indent=2) + "\n"
        if args.output:
            args.output.write_text(document)
        else:
            sys.stdout.write(document)
        return 0
    if args.contracts_command == "check":
        try:
            base_url, credentials = _check_target(args)
        except ValueError as exc:
            print(f"mockservers contracts check: {exc}", file=sys.stderr)
            return 2
        return _print([run_check(args.provider, base_url, credentials, read_only=args.read_only)], args.json)
    try:
        reports = verify_traffic(load_traffic(args.file), args.provider)
    except TrafficError as exc:
        print(f"mockservers contracts verify-journal: {exc}", file=sys.stderr)
        return 2
    return _print(reports, args.json)


def _print(reports: list[Report], as_json: bool) -> int:
    if as_json:
        print(json.dumps([r.to_json() for r in reports], indent=2))
    else:
        print("\n\n".join(r.render() for r in reports))
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
    return base_url, credentials


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
        info = requests.get(base_url.rstrip("/") + "/__admin/", timeout=10).json()
    except (requests.RequestException, ValueError):
        info = {}
    if info.get("provider") != provider:
        raise ValueError(f"{base_url} is not a {provider} emulator; give --credentials")
    return info["credentials"]
