"""The ``mockservers`` command: serve the sandbox."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path
from typing import Any

import mockservers
from mockservers.conformance.arguments import add_contracts_parser
from mockservers.console import ConsoleLog
from mockservers.core.emulator import Emulator, EmulatorConfig
from mockservers.core.s3 import S3Endpoint
from mockservers.core.server import PortInUseError, ServerThread
from mockservers.core.settings import ConfigError
from mockservers.registry import PROVIDERS, create_emulator, provider

# The shared S3 endpoint's sandbox port (--port s3=PORT overrides).
S3_DEFAULT_PORT = 8710
# The sandbox home page (every provider's dashboard linked); --port dashboard=PORT overrides.
DASHBOARD_DEFAULT_PORT = 8700
# Names --port accepts besides providers.
_EXTRA_PORTS = ("s3", "dashboard")


def _pairs(values: list[str], what: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for value in values:
        name, sep, rest = value.partition("=")
        if not sep or not rest:
            raise SystemExit(f"mockservers: {what} must look like PROVIDER=VALUE, not {value!r}")
        if name not in PROVIDERS and not (what == "--port" and name in _EXTRA_PORTS):
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
    parser.add_argument("--version", action="version", version=f"mockservers {mockservers.__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve emulators on localhost with seeded demo data (Ctrl-C stops)")
    serve.add_argument("providers", nargs="*", metavar="PROVIDER", help=f"which to serve (default: all of {', '.join(PROVIDERS)})")
    serve.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1, loopback only)")
    serve.add_argument("--port", action="append", default=[], metavar="PROVIDER=PORT", help="override a provider's (or s3's) default port (0: any free port)")
    serve.add_argument("--seed", type=int, default=0, help="seed of the demo world (same seed, same world)")
    serve.add_argument("--world", action="append", default=[], metavar="[PROVIDER=]FILE", help="world file (JSON) instead of the shipped one")
    serve.add_argument("--setting", action="append", default=[], metavar="PROVIDER.KEY=VALUE", help="provider knob, e.g. pixop.ingest_seconds=1")
    serve.add_argument("--info-file", type=Path, help="write base URLs and demo credentials as JSON here")
    serve.add_argument("--quiet", action="store_true", help="print no request log, job milestones or next steps")
    serve.add_argument("--state-dir", type=Path, help="keep state, uploads and S3 objects here across restarts")
    token = sub.add_parser("token", help="print a ready auth header (Authorization, or rpctoken) for a running sandbox")
    token.add_argument("provider", choices=list(PROVIDERS))
    where = token.add_mutually_exclusive_group()
    where.add_argument("--info-file", type=Path, help="the JSON the sandbox wrote with --info-file")
    where.add_argument("--base-url", help="the emulator's base URL (default: http://127.0.0.1:<default port>)")
    sub.add_parser("providers", help="list the emulated providers and their default ports")
    add_contracts_parser(sub)
    return parser


def _start_home(host: str, port: int | None, info: dict[str, Any]) -> ServerThread | None:
    """The sandbox home page; on a busy default port it moves to a free one (an explicit port must bind)."""
    from mockservers.core.dashboard import home_app

    app = home_app(info)
    try:
        return ServerThread(app, host, DASHBOARD_DEFAULT_PORT if port is None else port).start()
    except OSError:
        if port is not None:
            raise OSError(f"the dashboard port {port} is busy; choose another with --port dashboard=PORT") from None
        return ServerThread(app, host, 0).start()


def _next_steps(info: dict[str, Any], home: ServerThread | None) -> list[str]:
    from mockservers.shell import curl_line

    lines = ["", "Next steps:"]
    if home is not None:
        lines.append(f"  dashboard       {home.base_url}/   (per provider: <base URL>/__admin/ui)")
    for name, item in info.items():
        if name in PROVIDERS:
            lines.append(f"  {name:<15} {curl_line(name, item['base_url'], item['credentials'])}")
    lines.append("  auth header     mockservers token PROVIDER --base-url URL   (prints a ready header)")
    lines.append("  docs            README.md, docs/curl.md ; Ctrl-C stops.")
    return lines


def serve(args: argparse.Namespace, stop: threading.Event | None = None) -> int:
    """Start the emulators, print how to reach them, and wait for Ctrl-C (or ``stop``)."""
    from mockservers import persistence

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
    quiet = getattr(args, "quiet", False)
    state_dir: Path | None = getattr(args, "state_dir", None)
    emulators: dict[str, Emulator] = {}
    home: ServerThread | None = None
    restored: list[str] = []
    # One S3 endpoint for every provider whose clients upload to S3.
    s3 = S3Endpoint(args.host, ports.get("s3", S3_DEFAULT_PORT)) if any(provider(n).uses_s3 for n in names) else None
    try:
        if s3 is not None:
            s3.start()
        for name in names:
            config = EmulatorConfig(seed=args.seed, world=worlds.get(name), settings=settings.get(name, {}), s3=s3)
            emulator = create_emulator(name, config)
            emulators[name] = emulator
            emulator.start(args.host, ports.get(name, provider(name).default_port))
            if state_dir is not None:
                emulator.app.extensions[persistence.STATE_DIR_KEY] = state_dir
                if persistence.load(emulator, state_dir) is not None:
                    restored.append(name)
        info: dict[str, Any] = {name: {"base_url": e.base_url, "credentials": e.credentials} for name, e in emulators.items()}
        if s3 is not None:
            info["s3"] = {"base_url": s3.url, "credentials": s3.info()}
        home = _start_home(args.host, ports.get("dashboard"), info)
    except (OSError, ValueError) as exc:
        for emulator in emulators.values():
            emulator.close()
        if s3 is not None:
            s3.stop()
        print(f"mockservers: cannot start: {exc}", file=sys.stderr)
        # A bad setting, world file or busy port is a usage error (the message says what to change).
        return 2 if isinstance(exc, (ConfigError, PortInUseError)) else 1
    info["dashboard"] = {"base_url": home.base_url, "credentials": {}}
    # From here on Ctrl-C and SIGTERM only ask the loop below to stop, so a signal that arrives
    # while the start-up text is printed still stops cleanly (and saves --state-dir).
    stop = stop or threading.Event()
    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for number in (signal.SIGINT, signal.SIGTERM):
            previous[number] = signal.signal(number, lambda *_: stop.set())
    if args.info_file:
        args.info_file.write_text(json.dumps(info, indent=2) + "\n")
    print(f"{'provider':<14} {'base URL':<28} credentials")
    for name, item in info.items():
        if name != "dashboard":
            print(f"{name:<14} {item['base_url']:<28} {_shown(item['credentials'])}")
    print(f"{'dashboard':<14} {home.base_url}/")
    if args.info_file:
        print(f"info file: {args.info_file.resolve()} (base URLs and every credential, Vonage's private key too)")
    if state_dir is not None:
        print(f"state dir: {state_dir.resolve()} " + (f"(restored {', '.join(restored)})" if restored else "(nothing to restore yet)"))
    if not quiet:
        print("\n".join(_next_steps(info, home)))
    print("admin API on each base URL under /__admin/ ; Ctrl-C stops.", flush=True)
    console = None if quiet else ConsoleLog(emulators).start()
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        if console is not None:
            console.stop()
        home.stop()
        for name, emulator in emulators.items():
            if state_dir is not None:
                try:
                    print(f"mockservers: saved {name} to {persistence.save(emulator, state_dir)}", flush=True)
                except Exception as exc:  # one provider's failure must not lose the others' state
                    print(f"mockservers: could not save {name}: {exc}", file=sys.stderr)
            emulator.close()
        if s3 is not None:
            s3.stop()
        for number, handler in previous.items():
            signal.signal(number, handler)
        print("mockservers: stopped.", flush=True)
    return 0


def token(args: argparse.Namespace) -> int:
    """Print a ready auth header for one provider of a running sandbox."""
    import requests

    from mockservers.shell import auth_header

    name = args.provider
    try:
        if args.info_file is not None:
            item = json.loads(args.info_file.read_text())[name]
            base_url, credentials = item["base_url"], item["credentials"]
        else:
            base_url = (args.base_url or f"http://127.0.0.1:{provider(name).default_port}").rstrip("/")
            credentials = requests.get(f"{base_url}/__admin/", timeout=10).json()["credentials"]
        now = requests.get(f"{base_url}/__admin/clock", timeout=10).json()["epoch"]
        print(auth_header(name, base_url, credentials, float(now)))
    except (OSError, requests.RequestException) as exc:
        print(f"mockservers: cannot reach the {name} emulator ({exc}); is `mockservers serve` running?", file=sys.stderr)
        return 1
    except (KeyError, ValueError, RuntimeError) as exc:
        print(f"mockservers: no {name} token: {exc}", file=sys.stderr)
        return 1
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
    if args.command == "token":
        return token(args)
    if args.command == "contracts":
        from mockservers.conformance.commands import contracts_command

        return contracts_command(args)
    return serve(args)


if __name__ == "__main__":
    sys.exit(main())
