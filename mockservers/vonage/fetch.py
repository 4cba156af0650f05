"""Upload by ``url``: fetch a file, but only from a loopback address (the emulator never reaches the network)."""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Any

from mockservers.core.blobs import BlobInfo, BlobStore
from mockservers.core.errors import ApiError
from mockservers.core.http import BadURLError, is_loopback_host, parse_http_url
from mockservers.vonage.errors import vonage_error

CHUNK = 256 * 1024


def _bad(detail: str) -> ApiError:
    return vonage_error(400, "invalid-params", detail, "url")


def _unfetchable(detail: str) -> ApiError:
    """A url the emulator may fetch but gets no file from: 404, the upload's documented "no such item"."""
    return vonage_error(404, "not-found", detail, "url")


def check_loopback(url: str) -> None:
    """Refuse anything but http(s) to localhost or a loopback IP literal (no DNS lookups)."""
    try:
        host = parse_http_url(url).hostname
    except BadURLError as exc:
        raise _bad(f"url {exc}; got {url!r}") from None
    if not is_loopback_host(host):
        raise _bad(
            f"the emulator only fetches url uploads from loopback addresses (127.0.0.0/8, ::1, localhost); {host!r} is not one"
        )


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect could lead off loopback, so none is followed."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects, urllib.request.ProxyHandler({}))


def fetch(url: str, blobs: BlobStore, max_bytes: int, timeout: float) -> tuple[BlobInfo, str | None]:
    """Stream the URL's body into a blob; returns (blob, the server's Content-Type or None)."""
    check_loopback(url)
    try:
        response = _OPENER.open(urllib.request.Request(url, headers={"User-Agent": "mockservers-vonage"}), timeout=timeout)
    except urllib.error.HTTPError as exc:
        raise _unfetchable(f"fetching {url} answered HTTP {exc.code}; it must answer 200 with the file") from None
    except ValueError as exc:  # http.client.InvalidURL, characters a request line cannot carry
        raise _bad(f"url is not a valid URL: {exc}; got {url!r}") from None
    except OSError as exc:  # URLError: refused, unreachable, timed out
        reason = getattr(exc, "reason", exc)
        raise _unfetchable(f"fetching {url} failed: {reason}") from None
    with response:
        if response.status != 200:
            raise _unfetchable(f"fetching {url} answered HTTP {response.status}; it must answer 200 with the file")
        writer = blobs.writer()
        try:
            while chunk := response.read(CHUNK):
                if writer.size + len(chunk) > max_bytes:
                    raise vonage_error(413, "payload-too-large", f"the file at {url} is larger than the {max_bytes}-byte upload limit")
                writer.write(chunk)
        except ApiError:
            writer.discard()
            raise
        except OSError as exc:
            writer.discard()
            raise _unfetchable(f"fetching {url} failed while reading: {exc}") from None
        content_type = response.headers.get_content_type() if response.headers.get("Content-Type") else None
        return writer.commit(), content_type
