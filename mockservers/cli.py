"""The ``mockservers`` command: serve the sandbox."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from mockservers.conformance.arguments import add_contracts_parser
from mockservers.core.emulator import Emulator, EmulatorConfig
from mockservers.core.settings import ConfigError
from mockservers.registry import PROVIDERS, create_emulator, provider
from mockservers.s3 import S3Endpoint

# The shared S3 endpoint's sandbox port (--port s3=PORT overrides).
S3_DEFAULT_PORT = 8710


def _pairs(values: list[str], what: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for value in values:
        name, sep, rest = value.partition("=")
        if not sep or not rest:
            raise SystemExit(f"mockservers: {what} must look like PROVIDER=VALUE, not {value!r}")
        if name not in PROVIDERS and not (what == "--port" and name == "s3"):
            raise SystemExit(f"mockservers: unknown provider {name!r} in {what}; known: {', '.join(PROVIDERS)}")
        found[name] = rest
    return found


def _settings(values: list[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for value in values:
        key, sep, raw = value.partition("=")
        name, dot, setting = key.partition(".")
        if not sep or not dot or name not in PROVIDERS:
            raise SystemExit(f"mockservers: --setting must look like PROVIDER.KEY=VALUE, not {value!r}")
        try:
            parsed: Any = json.loads(raw)
        except ValueError:
            parsed = raw
        found.setdefault(name, {})[setting] = parsed
    return found


def _shown(credentials: dict[str, Any]) -> str:
    # A PEM key or other multi-line value would break the table; it is in --info-file.
    return " ".join(
        f"{k}=<see --info-file>" if isinstance(v, str) and "\n" in v else f"{k}={v}" for k, v in credentials.items()
    )


def build_parser() -> argparse.ArgumentParser:
    """The CLI's argument parser."""
    parser = argparse.ArgumentParser(prog="mockservers", description="Offline emulators of media-platform APIs.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve emulators on localhost with seeded demo data (Ctrl-C stops)")
    serve.add_argument("providers", nargs="*", metavar="PROVIDER", help=f"which to serve (default: all of {', '.join(PROVIDERS)})")
    serve.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1, loopback only)")
    serve.add_argument("--port", action="append", default=[], metavar="PROVIDER=PORT", help="override a provider's (or s3's) default port (0: any free port)")
    serve.add_argument("--seed", type=int, default=0, help="seed of the demo world (same seed, same world)")
    serve.add_argument("--world", action="append", default=[], metavar="[PROVIDER=]FILE", help="world file (JSON) instead of the shipped one")
    serve.add_argument("--setting", action="append", default=[], metavar="PROVIDER.KEY=VALUE", help="provider knob, e.g. pixop.ingest_seconds=1")
    serve.add_argument("--info-file", type=Path, help="write base URLs and demo credentials as JSON here")
    sub.add_parser("providers", help="list the emulated providers and their default ports")
    add_contracts_parser(sub)
    return parser


def serve(args: argparse.Namespace, stop: threading.Event | None = None) -> int:
    """Start the emulators, print how to reach them, and wait for Ctrl-C (or ``stop``)."""
    names = args.providers or list(PROVIDERS)
    unknown = [n for n in names if n not in PROVIDERS]
    if unknown:
        print(f"mockservers: unknown provider(s) {', '.join(unknown)}; known: {', '.join(PROVIDERS)}", file=sys.stderr)
        return 2
    ports = {name: int(port) for name, port in _pairs(args.port, "--port").items()}
    worlds: dict[str, str] = {}
    for value in args.world:
        if "=" in value and value.split("=", 1)[0] in PROVIDERS:
            worlds.update(_pairs([value], "--world"))
        elif len(names) == 1:
            worlds[names[0]] = value
        else:
            print("mockservers: with several providers, give --world as PROVIDER=FILE", file=sys.stderr)
            return 2
    settings = _settings(args.setting)
    emulators: dict[str, Emulator] = {}
    # One S3 endpoint for every provider whose clients upload to S3.
    s3 = S3Endpoint(args.host, ports.get("s3", S3_DEFAULT_PORT)) if any(provider(n).uses_s3 for n in names) else None
    try:
        if s3 is not None:
            s3.start()
        for name in names:
            config = EmulatorConfig(seed=args.seed, world=worlds.get(name), settings=settings.get(name, {}), s3=s3)
            emulator = create_emulator(name, config)
            emulator.start(args.host, ports.get(name, provider(name).default_port))
            emulators[name] = emulator
    except (OSError, ValueError) as exc:
        for emulator in emulators.values():
            emulator.close()
        if s3 is not None:
            s3.stop()
        print(f"mockservers: cannot start: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, ConfigError) else 1  # a bad setting or world file is a usage error
    info: dict[str, Any] = {name: {"base_url": e.base_url, "credentials": e.credentials} for name, e in emulators.items()}
    if s3 is not None:
        info["s3"] = {"base_url": s3.url, "credentials": s3.info()}
    if args.info_file:
        args.info_file.write_text(json.dumps(info, indent=2) + "\n")
    print(f"{'provider':<14} {'base URL':<28} credentials")
    for name, item in info.items():
        print(f"{name:<14} {item['base_url']:<28} {_shown(item['credentials'])}")
    print("admin API on each base URL under /__admin/ ; Ctrl-C stops.", flush=True)
    stop = stop or threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set()) if threading.current_thread() is threading.main_thread() else None
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        for emulator in emulators.values():
            emulator.close()
        if s3 is not None:
            s3.stop()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        print("mockservers: stopped.", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``mockservers`` console script."""
    args = build_parser().parse_args(argv)
    if args.command == "providers":
        for name in PROVIDERS:
            spec = provider(name)
            print(f"{name:<14} port {spec.default_port:<6} {spec.title}")
        print(f"{'s3':<14} port {S3_DEFAULT_PORT:<6} S3 endpoint (moto server), served along with providers that use S3")
        return 0
    if args.command == "contracts":
        from mockservers.conformance.commands import contracts_command

        return contracts_command(args)
    return serve(args)


if __name__ == "__main__":
    sys.exit(main())
