"""One emulator instance: a provider's state plus the shared machinery, servable on a socket."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any

from flask import Flask, Response
from werkzeug.http import HTTP_STATUS_CODES

from mockservers.core.app import build_app
from mockservers.core.blobs import BlobStore
from mockservers.core.callbacks import CallbackDispatcher
from mockservers.core.clock import VirtualClock
from mockservers.core.errors import ApiError
from mockservers.core.faults import FaultRegistry
from mockservers.core.jobs import Scheduler
from mockservers.core.journal import Journal
from mockservers.core.s3 import S3Endpoint
from mockservers.core.server import ServerThread
from mockservers.core.settings import WorldError, check_settings
from mockservers.core.state import BaseState, StateContext


@dataclass(frozen=True)
class Provider:
    """What a provider package contributes: its state, routes and error shape."""

    name: str
    title: str
    default_port: int
    state_class: type[BaseState]
    register_routes: Callable[[Flask], None]
    render_error: Callable[[ApiError], Response]
    default_settings: dict[str, Any] = field(default_factory=dict)
    # Whether clients upload to S3 (the shared moto endpoint in mockservers.core.s3).
    uses_s3: bool = False
    # The provider's real hostnames (fnmatch globs) -> path prefix the emulator serves them under;
    # mockservers.intercept routes requests to these hosts into the emulator in-process.
    hosts: dict[str, str] = field(default_factory=dict)
    # Typed settings: a dataclass whose fields are the provider's knobs (unknown keys are refused).
    settings_class: type | None = None
    # The conformance walk ``walk(w)``, the walk's ``authenticate(session, base_url, credentials)``
    # and the Hypothesis state machine class. Each may be the object or a lazy "module:attribute"
    # reference (so importing a provider does not import requests or hypothesis).
    walk: Callable[..., Any] | str | None = None
    authenticate: Callable[..., Any] | str | None = None
    machine: type | str | None = None
    # The contract file (in contracts/<name>/) of the provider's error document: what undocumented
    # routes (404/405) answer.
    error_contract: str | None = None

    @property
    def package(self) -> str:
        """The provider's package (where the naming-convention fallbacks look)."""
        return self.state_class.__module__.rpartition(".")[0]

    def find_walk(self) -> Callable[..., Any] | None:
        """The conformance walk: the ``walk`` field, else ``<package>.walk:walk`` if that module exists."""
        return _resolve(self.walk) if self.walk is not None else _conventional(f"{self.package}.walk", "walk")

    def find_authenticate(self) -> Callable[..., Any] | None:
        """The walk's login helper: the ``authenticate`` field, else ``<package>.walk:authenticate``."""
        if self.authenticate is not None:
            return _resolve(self.authenticate)
        return _conventional(f"{self.package}.walk", "authenticate")

    def find_machine(self) -> type | None:
        """The state machine class: the ``machine`` field, else ``<package>.machine:MACHINE``."""
        return _resolve(self.machine) if self.machine is not None else _conventional(f"{self.package}.machine", "MACHINE")

    def error_contract_name(self) -> str:
        """The contract file of the error document (default ``error.json``)."""
        return self.error_contract or "error.json"

    def check_settings(self, given: dict[str, Any]) -> dict[str, Any]:
        """The settings an emulator runs with; SettingsError naming an unknown key or a mistyped value."""
        return check_settings(self.name, self.settings_class, self.default_settings, given)

    def create_app(self, config: EmulatorConfig | dict[str, Any] | None = None) -> Flask:
        """A new emulator's Flask app (its Emulator is ``app.extensions['mockservers']``)."""
        if isinstance(config, dict):
            config = EmulatorConfig(**config)
        return Emulator(self, config).app


def _resolve(reference: Any) -> Any:
    # "module:attribute" -> the attribute; an object is itself.
    if isinstance(reference, str):
        module, _, attribute = reference.partition(":")
        return getattr(import_module(module), attribute)
    return reference


def _conventional(module: str, attribute: str) -> Any:
    # The fallback for providers not yet declaring the field: a module named by convention.
    try:
        found = import_module(module)
    except ModuleNotFoundError as exc:
        # Absent (the module or its package): no such part. A module that exists but fails to import is a bug.
        if exc.name is not None and (module == exc.name or module.startswith(exc.name + ".")):
            return None
        raise
    return getattr(found, attribute, None)


@dataclass
class EmulatorConfig:
    """Settings of one emulator instance.

    ``world`` is a world file path or an already-loaded dict (None: the
    provider's default world in fixtures/). ``settings`` are provider knobs,
    e.g. Pixop's ``ingest_seconds``. ``s3`` is a shared
    :class:`mockservers.core.s3.S3Endpoint` for providers that use S3 (None: the
    emulator starts its own on a free port when it first needs one).
    """

    seed: int = 0
    world: str | Path | dict[str, Any] | None = None
    blob_dir: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    s3: Any = None


def load_world(world: str | Path | dict[str, Any] | None) -> dict[str, Any] | None:
    """A world as a dict (reading a JSON file when given a path); WorldError saying what is wrong."""
    if world is None or isinstance(world, dict):
        return world
    if not isinstance(world, (str, Path)):
        raise WorldError(f"a world must be a JSON file path or a dict, not {type(world).__name__}")
    try:
        text = Path(world).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise WorldError(f"world file {world} cannot be read: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise WorldError(f"world file {world} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise WorldError(f"world file {world} must hold a JSON object, not {type(data).__name__}")
    return data


def _build_state(provider: Provider, context: Any, seed: int, world: dict[str, Any] | None, origin: Any) -> BaseState:
    # A world that does not fit the provider's schema fails inside its builder; say which world, not where.
    try:
        return provider.state_class(context, seed, world)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        where = f"world file {origin}" if isinstance(origin, (str, Path)) else "the world"
        raise WorldError(f"{where} does not build a {provider.name} world: {type(exc).__name__}: {exc}") from exc


class Emulator:
    """A provider emulator: state, clock, scheduler, blobs, faults, journal, Flask app, server."""

    def __init__(self, provider: Provider, config: EmulatorConfig | None = None) -> None:
        self.provider = provider
        self.config = config or EmulatorConfig()
        self.clock = VirtualClock()
        self.scheduler = Scheduler(self.clock)
        self.blobs = BlobStore(self.config.blob_dir)
        self.faults = FaultRegistry(self.clock, self.config.seed)
        self.journal = Journal(self.clock)
        # Outbound callbacks (webhooks): a worker thread, started on the first send.
        self.callbacks = CallbackDispatcher(self.clock, self.scheduler, self.journal)
        settings = provider.check_settings(self.config.settings)
        # The typed view of the same values (None for a provider without a settings dataclass).
        self.settings: Any = provider.settings_class(**settings) if provider.settings_class is not None else None
        self.s3: S3Endpoint | None = None
        self._owns_s3 = False
        if provider.uses_s3:
            self._owns_s3 = self.config.s3 is None
            self.s3 = self.config.s3 or S3Endpoint()
        self.context = StateContext(self.clock, self.scheduler, self.blobs, settings, self.s3, self.callbacks)
        self._configured_world = load_world(self.config.world)
        self.state: BaseState = _build_state(provider, self.context, self.config.seed, self._configured_world, self.config.world)
        self._reseeded = False
        self.app = build_app(self, provider.register_routes, provider.render_error)
        self._server: ServerThread | None = None

    # -- lifecycle ---------------------------------------------------------
    def reset(self) -> None:
        """Everything back to fresh: state, blobs, scheduled events, faults, journal, clock."""
        self.scheduler.clear()
        self.callbacks.reset()
        self.faults.reset()
        self.journal.clear()
        self.clock.reset()
        if self._reseeded:
            # Fresh means as configured: a test's reseed must not leak into the next test.
            self.reseed(self.config.seed, self._configured_world if self._configured_world is not None else self.state.default_world())
            self._reseeded = False
            return
        with self.state.lock:
            self.blobs.clear()
            self.state.reset()
            self._prepare_buckets(empty=True)

    def reseed(self, seed: int | None = None, world: dict[str, Any] | str | Path | None = None) -> None:
        """Swap in a world built from a new seed and/or world; on error nothing changes."""
        new_state = _build_state(
            self.provider,
            self.context,
            self.state.seed if seed is None else seed,
            self.state.world if world is None else load_world(world),
            world,
        )
        try:
            # A world that builds but has no demo user (e.g. ``{}``) would be
            # swapped in and then break every credentials lookup (GET /__admin/).
            new_state.credentials()
        except Exception as exc:
            raise ValueError(f"the world yields no demo credentials ({type(exc).__name__}: {exc})") from None
        with self.state.lock:
            self.scheduler.clear()
            self.callbacks.reset()
            self.blobs.clear()
            new_state.after_load()
            new_state.lock = self.state.lock
            self.state = new_state
            self._reseeded = True
            self._prepare_buckets(empty=True)

    def _prepare_buckets(self, empty: bool) -> None:
        # The world's buckets exist on the S3 endpoint; on reset they are emptied so no upload leaks.
        if self.s3 is None:
            return
        for bucket in self.state.s3_buckets():
            self.s3.ensure_bucket(bucket)
            if empty:
                self.s3.empty_bucket(bucket)

    def start(self, host: str = "127.0.0.1", port: int = 0) -> Emulator:
        """Serve on a real socket (port 0: any free port)."""
        if self._server is None:
            self.start_background(host)
            self._server = ServerThread(
                self.app, host, port, clock=self.clock, error_renderer=self.render_server_error, name=self.provider.name
            ).start()
            self.context.base_url = self._server.base_url
        return self

    def render_server_error(self, status: int, message: str) -> tuple[str, list[tuple[str, str]], bytes]:
        """An error the HTTP server raises itself (bad request line, 431, bad chunking), in the provider's shape."""
        with self.app.test_request_context("/"):
            response = self.provider.render_error(ApiError(status, message))
            return f"{status} {HTTP_STATUS_CODES.get(status, 'Error')}", list(response.headers.items()), response.get_data()

    def start_background(self, host: str = "127.0.0.1") -> Emulator:
        """Start what runs beside the HTTP server (S3 endpoint, scheduler waiter), without a socket of its own.

        For in-process use (mockservers.intercept calls ``app`` directly); idempotent.
        """
        if self.s3 is not None:
            self.s3.start(host)
            self._prepare_buckets(empty=False)
        self.scheduler.start()
        return self

    def stop(self) -> None:
        """Stop serving (state is kept)."""
        if self._server is not None:
            self._server.stop()
            self._server = None
            self.context.base_url = None
        self.scheduler.stop()

    def close(self) -> None:
        """Stop, remove the blob files, and stop the S3 endpoint if this emulator started it."""
        self.stop()
        self.callbacks.close()
        self.blobs.close()
        if self._owns_s3 and self.s3 is not None:
            self.s3.stop()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- conveniences ------------------------------------------------------
    @property
    def base_url(self) -> str:
        """``http://host:port`` while serving."""
        if self._server is None:
            raise RuntimeError("the emulator is not serving; call start() first")
        return self._server.base_url

    @property
    def port(self) -> int:
        """The bound port while serving."""
        if self._server is None:
            raise RuntimeError("the emulator is not serving; call start() first")
        return self._server.port

    @property
    def credentials(self) -> dict[str, Any]:
        """Demo credentials of the current world."""
        return self.state.credentials()
