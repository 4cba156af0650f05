"""The interceptor: which hosts go to which emulator, and the process-wide patches that route them."""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any, TypeVar
from urllib.parse import urlsplit

from mockservers.core.emulator import Emulator, EmulatorConfig
from mockservers.registry import PROVIDERS, create_emulator, provider

LOOPBACK = ("127.0.0.1", "localhost", "::1")
F = TypeVar("F", bound=Callable[..., Any])


class InterceptError(Exception):
    """Base of the errors interception raises itself (never a client library's error, so no retry hides it)."""


class HostNotAllowed(InterceptError):
    """A request to a host that is neither an intercepted provider's nor allowed to pass through."""


@dataclass(frozen=True)
class ParsedURL:
    """The parts of a request URL the environ needs, parsed once."""

    scheme: str
    host: str
    port: int | None
    path: str
    query: str
    netloc: str


@dataclass(frozen=True)
class Target:
    """Where one intercepted request goes: an emulator, and the path prefix its host is served under."""

    emulator: Emulator
    prefix: str
    url: ParsedURL


class Interceptor:
    """Routes ``requests`` and ``httpx`` traffic for providers' real hosts into emulators in this process.

    A context manager and a decorator; ``interceptor["pixop"]`` is the Pixop
    emulator (created on first use unless given in ``emulators``).
    """

    def __init__(
        self,
        providers: Iterable[str] = (),
        emulators: dict[str, Emulator] | None = None,
        allow_hosts: Iterable[str] = LOOPBACK,
        emulator_factory: Callable[[str], Emulator] | None = None,
        **config: Any,
    ) -> None:
        given = dict(emulators or {})
        names = list(dict.fromkeys([*providers, *given])) or list(PROVIDERS)
        for name in names:
            provider(name)  # unknown names fail here, listing the known ones
        self.providers: tuple[str, ...] = tuple(names)
        self.allow_hosts: set[str] = {host.lower() for host in allow_hosts}
        self._factory = emulator_factory
        self._config = EmulatorConfig(**config) if config else None
        if config and emulator_factory is not None:
            raise TypeError("emulator settings cannot be combined with an emulator_factory")
        self._emulators: dict[str, Emulator] = dict(given)
        self._created: list[Emulator] = []
        self._lock = threading.RLock()
        self._depth = 0
        # (glob, provider, prefix), most specific glob first so "jwt.x.me" wins over "*.x.me".
        self._globs = sorted(
            ((glob.lower(), name, prefix) for name in names for glob, prefix in provider(name).hosts.items()),
            key=lambda item: (item[0].count("*") + item[0].count("?"), -len(item[0])),
        )
        self._matches: dict[str, tuple[str, str] | None] = {}

    # -- emulators -----------------------------------------------------------
    def emulator(self, name: str) -> Emulator:
        """The emulator of one provider, created (and its background services started) on first use."""
        emulator = self._emulators.get(name)
        if emulator is not None:
            return emulator
        if name not in self.providers:
            raise KeyError(f"provider {name!r} is not intercepted here; intercepted: {', '.join(self.providers)}")
        with self._lock:
            emulator = self._emulators.get(name)
            if emulator is None:
                if self._factory is not None:
                    emulator = self._factory(name)
                else:
                    emulator = create_emulator(name, self._config)
                    self._created.append(emulator)
                    emulator.start_background()
                self._emulators[name] = emulator
        return emulator

    def __getitem__(self, name: str) -> Emulator:
        return self.emulator(name)

    def __getattr__(self, name: str) -> Emulator:
        if name.startswith("_") or name not in self.__dict__.get("providers", ()):
            raise AttributeError(name)
        return self.emulator(name)

    def __contains__(self, name: object) -> bool:
        return name in self.providers

    def allow(self, *hosts: str) -> None:
        """Let requests to these hosts (exact names) pass through to the real network."""
        self.allow_hosts.update(host.lower() for host in hosts)

    @property
    def hosts(self) -> dict[str, str]:
        """Every intercepted host glob -> provider name."""
        return {glob: name for glob, name, _ in self._globs}

    def match(self, host: str) -> tuple[str, str] | None:
        """(provider, path prefix) of a hostname, or None when no intercepted provider serves it."""
        try:
            return self._matches[host]
        except KeyError:
            found = next(((name, prefix) for glob, name, prefix in self._globs if fnmatchcase(host, glob)), None)
            self._matches[host] = found
            return found

    # -- activation ------------------------------------------------------------
    def start(self) -> Interceptor:
        """Start routing (nested and repeated starts are counted)."""
        with self._lock:
            self._depth += 1
            if self._depth == 1:
                _activate(self)
        return self

    def stop(self) -> None:
        """Stop routing once every start is matched; then close the emulators this interceptor created."""
        with self._lock:
            if self._depth == 0:
                return
            self._depth -= 1
            if self._depth:
                return
            _deactivate(self)
            created, self._created = self._created, []
            for emulator in created:
                self._emulators.pop(emulator.provider.name, None)
        for emulator in created:
            emulator.close()

    def __enter__(self) -> Interceptor:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __call__(self, func: F) -> F:
        """Decorate a function (sync or async): interception is active while each call runs."""
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                with self:
                    return await func(*args, **kwargs)

            return async_wrapper  # type: ignore[return-value]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    def __repr__(self) -> str:
        return f"<Interceptor providers={list(self.providers)} active={self._depth > 0}>"


def intercept(
    *providers: str,
    emulators: dict[str, Emulator] | None = None,
    allow_hosts: Iterable[str] = LOOPBACK,
    **config: Any,
) -> Interceptor:
    """Route requests/httpx traffic for the providers' real hosts (all providers by default) into emulators.

    ``config`` are :class:`EmulatorConfig` fields (``seed``, ``world``, ``settings``...) for the
    emulators it creates; ``emulators`` supplies your own (they are not closed on exit).
    """
    return Interceptor(providers, emulators=emulators, allow_hosts=allow_hosts, **config)


# -- process-wide routing ----------------------------------------------------------
# Active interceptors, innermost last. Replaced (never mutated) under _STATE_LOCK, so the per-request
# lookup reads one tuple without taking a lock.
_active: tuple[Interceptor, ...] = ()
_STATE_LOCK = threading.Lock()


def _activate(interceptor: Interceptor) -> None:
    global _active
    from mockservers.intercept import patches

    with _STATE_LOCK:
        if not _active:
            patches.install()
        _active = (*_active, interceptor)


def _deactivate(interceptor: Interceptor) -> None:
    global _active
    from mockservers.intercept import patches

    with _STATE_LOCK:
        _active = tuple(item for item in _active if item is not interceptor)
        if not _active:
            patches.uninstall()


@functools.lru_cache(maxsize=2048)
def _split(url: str) -> ParsedURL:
    # A client sends the same URLs again and again; parsing them is a visible share of the per-request cost.
    parts = urlsplit(url)
    return ParsedURL(parts.scheme.lower(), (parts.hostname or "").lower(), parts.port, parts.path, parts.query, parts.netloc)


def is_routed(url: str) -> bool:
    """Whether an active interceptor answers ``url`` in-process."""
    active = _active
    if not active:
        return False
    host = _split(url).host
    return any(interceptor.match(host) is not None for interceptor in active)


def route(url: str) -> Target | None:
    """Where a request to ``url`` goes: a Target, None to pass through, or HostNotAllowed."""
    active = _active
    if not active:
        return None
    parts = _split(url)
    host = parts.host
    for interceptor in reversed(active):
        found = interceptor.match(host)
        if found is not None:
            return Target(interceptor.emulator(found[0]), found[1], parts)
    if any(host in interceptor.allow_hosts for interceptor in active):
        return None
    raise HostNotAllowed(_refusal(host, parts, active))


def _refusal(host: str, parts: ParsedURL, active: tuple[Interceptor, ...]) -> str:
    url = f"{parts.scheme}://{parts.netloc}{parts.path}"
    owner = next(
        (name for name in PROVIDERS for glob in provider(name).hosts if fnmatchcase(host, glob.lower())), None
    )
    if owner is not None:
        return (
            f"mockservers.intercept refused {url}: host {host!r} belongs to provider {owner!r}, which is not "
            f"intercepted here (intercepted: {', '.join(active[-1].providers)}); add it: intercept({owner!r}, ...)"
        )
    return (
        f"mockservers.intercept refused {url}: host {host!r} is not an emulated provider's host and is not "
        f"allowed to reach the network. To let it through, pass allow_hosts=[..., {host!r}] to intercept() "
        f"or call .allow({host!r}) on the interceptor."
    )
