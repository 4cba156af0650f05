"""The `mockservers contracts ...` command line (kept free of heavy imports: the CLI starts fast)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from mockservers.registry import PROVIDERS


def add_contracts_parser(sub: Any) -> None:
    """Add `contracts openapi|check|verify-journal|proxy` to the CLI's subcommands."""
    contracts = sub.add_parser("contracts", help="OpenAPI documents and contract checks").add_subparsers(
        dest="contracts_command", required=True
    )
    openapi = contracts.add_parser("openapi", help="print a provider's OpenAPI 3.1 document (from contracts/)")
    openapi.add_argument("provider", choices=list(PROVIDERS))
    openapi.add_argument("--output", type=Path, help="write to this file instead of stdout")
    openapi.add_argument("--server", action="append", default=[], metavar="URL", help="list this server first (e.g. your sandbox)")

    check = contracts.add_parser("check", help="walk a live server (emulator or real provider) and check every answer")
    check.add_argument("provider", choices=list(PROVIDERS))
    check.add_argument("--base-url", help="the server (default: base_url from --credentials)")
    check.add_argument("--credentials", type=Path, help="JSON as the sandbox's --info-file writes it, or a flat credentials object")
    check.add_argument("--read-only", action="store_true", help="call nothing that writes")
    _report_options(check)

    verify = contracts.add_parser(
        "verify-journal", help="check recorded traffic (journal JSON, JSON lines, HAR) against contracts"
    )
    verify.add_argument("files", nargs="+", metavar="FILE", help="files or glob patterns (quoted globs are expanded too)")
    verify.add_argument("--provider", choices=list(PROVIDERS), help="whose contracts (default: from hosts, else by route)")
    verify.add_argument(
        "--host", action="append", default=[], metavar="HOST=PROVIDER", help="treat this host as the provider's (e.g. a staging host)"
    )
    _report_options(verify)

    proxy = contracts.add_parser("proxy", help="a validation proxy: forward to the upstream, check every exchange")
    proxy.add_argument("provider", choices=list(PROVIDERS))
    proxy.add_argument("--upstream", required=True, help="where requests go, e.g. https://staging-api.pixop.com")
    proxy.add_argument("--host", default="127.0.0.1", help="interface to listen on (default loopback)")
    proxy.add_argument("--port", type=int, default=8790, help="port to listen on (default 8790; 0: any free port)")
    proxy.add_argument("--record", type=Path, help="write the traffic here (.har or .jsonl, readable by verify-journal)")
    proxy.add_argument("--strict", action="store_true", help="answer a violating exchange with an error instead of passing it on")


def _report_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--seen-only", action="store_true", help="print only endpoints present in the traffic")
    parser.add_argument("--junit-xml", type=Path, metavar="FILE", help="also write a JUnit XML report (one test case per endpoint)")
