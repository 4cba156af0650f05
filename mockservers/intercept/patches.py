"""Installing and removing the transport-level patches of ``requests`` and ``httpx``.

requests: ``HTTPAdapter.send`` (every Session mounts HTTPAdapter, and custom
adapters subclass it). httpx: ``HTTPTransport.handle_request`` and
``AsyncHTTPTransport.handle_async_request`` (the default transports of Client
and AsyncClient). A library that is not installed is skipped.
"""

from __future__ import annotations

from typing import Any

# (owner class, attribute, original function) of each patch in place.
_originals: list[tuple[type, str, Any]] = []


def install() -> None:
    """Patch every installed client library (called when the first interceptor starts)."""
    if _originals:
        return
    try:
        from mockservers.intercept import via_requests
    except ImportError:  # requests is not installed
        pass
    else:
        _originals.extend(via_requests.patch())
    try:
        from mockservers.intercept import via_httpx
    except ImportError:  # httpx is not installed
        pass
    else:
        _originals.extend(via_httpx.patch())


def uninstall() -> None:
    """Put every original back (called when the last interceptor stops)."""
    while _originals:
        owner, name, original = _originals.pop()
        setattr(owner, name, original)
