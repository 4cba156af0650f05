"""Header values and URLs built from user input: encoded, sanitized, or refused with a clear error."""

from __future__ import annotations

import ipaddress
import os
import re
import unicodedata
from urllib.parse import SplitResult, quote, urlsplit

from werkzeug.http import dump_options_header

# The characters RFC 5987 attr-char allows unencoded (werkzeug's send_file uses the same set).
_ATTR_CHARS = "!#$&+-.^_`|~"


def _printable_ascii(text: str) -> bool:
    return text.isascii() and all(" " <= ch < "\x7f" for ch in text)


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """A Content-Disposition value for any file name (RFC 6266): never a header injection, never a 500.

    A plain printable-ASCII name is sent as ``filename=`` (what werkzeug's ``send_file`` sends);
    anything else gets ``filename*=UTF-8''<percent-encoded>`` carrying the exact name, plus an ASCII
    ``filename=`` fallback with control characters, quotes and backslashes replaced.
    """
    # A lone surrogate (JSON can carry "\ud800") cannot be encoded: it becomes U+FFFD, never a 500.
    filename = filename.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if _printable_ascii(filename) and filename.strip():
        return dump_options_header(disposition, {"filename": filename})
    decomposed = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    fallback = "".join(ch if " " <= ch < "\x7f" and ch not in '"\\' else "_" for ch in decomposed).strip() or "download"
    encoded = quote(filename, safe=_ATTR_CHARS)
    return dump_options_header(disposition, {"filename": fallback, "filename*": f"UTF-8''{encoded}"})


class BadURLError(ValueError):
    """A URL that does not parse, or is not absolute http(s)."""


def parse_http_url(value: str) -> SplitResult:
    """An absolute http(s) URL, split; :class:`BadURLError` for anything malformed (``http://[oops/``)."""
    try:
        parts = urlsplit(value)
        port = parts.port  # raises ValueError on a bad port ("http://h:99999/")
        host = parts.hostname
    except ValueError as exc:
        raise BadURLError(f"not a valid URL: {exc}") from None
    if parts.scheme not in ("http", "https") or not host:
        raise BadURLError("must be an absolute http:// or https:// URL")
    if any(ch in value for ch in "\r\n\t\x00 "):
        raise BadURLError("must not contain spaces or control characters")
    del port
    return parts


LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


def is_loopback_host(host: str | None) -> bool:
    """True for ``localhost`` names and loopback addresses (127.0.0.0/8, ::1)."""
    if not host:
        return False
    host = host.strip("[]").lower().rstrip(".")
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def callback_host_allowed(host: str | None, allowed_hosts: object = ()) -> bool:
    """Loopback always; other hosts only when listed in ``allowed_hosts`` (``"*"`` allows any)."""
    if is_loopback_host(host):
        return True
    if isinstance(allowed_hosts, str):
        allowed_hosts = [allowed_hosts]
    listed = {str(h).lower().rstrip(".") for h in allowed_hosts or ()}  # type: ignore[attr-defined]
    return "*" in listed or (host or "").lower().rstrip(".") in listed


def host_name(host_header: str) -> str:
    """The name part of a Host header value (``[::1]:8701`` -> ``::1``, ``Example:80`` -> ``example``)."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def admin_host_allowed(host_header: str, bound_address: str = "") -> bool:
    """Loopback names/addresses, the address the server is bound to, or a name in MOCKSERVERS_ADMIN_HOSTS.

    MOCKSERVERS_ADMIN_HOSTS is a comma-separated list (e.g. a container's service name); ``*`` allows any.
    """
    name = host_name(host_header)
    if not name:
        return False
    if is_loopback_host(name) or (bound_address and name == host_name(bound_address)):
        return True
    extra = {h.strip().lower().rstrip(".") for h in os.environ.get("MOCKSERVERS_ADMIN_HOSTS", "").split(",") if h.strip()}
    return "*" in extra or name in extra


_SINGLE_RANGE = re.compile(r"^\s*bytes\s*=\s*(?:(\d+)\s*-\s*(\d*)|-\s*(\d+))\s*$", re.IGNORECASE)


def single_byte_range(value: str) -> bool:
    """True for one well-formed byte range (``bytes=0-99``, ``bytes=100-``, ``bytes=-50``).

    Anything else (unparseable, another unit, several ranges, last < first) is what RFC 9110
    (14.2) lets a server ignore: the emulators then answer 200 with the whole body.
    """
    match = _SINGLE_RANGE.match(value)
    if match is None:
        return False
    first, last = match.group(1), match.group(2)
    return not (first is not None and last and int(last) < int(first))
