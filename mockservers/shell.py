"""For shell users: a ready auth header per provider, and one working curl line per provider."""

from __future__ import annotations

import base64
import shlex
from collections.abc import Callable
from typing import Any

from mockservers.core.auth.hotp import hotp_hex, window_counter

# (method, url, params, form) -> parsed JSON answer; raises on a non-2xx answer.
Http = Callable[[str, str, dict[str, str] | None, dict[str, str] | None], Any]


def requests_http(method: str, url: str, params: dict[str, str] | None, form: dict[str, str] | None) -> Any:
    """:data:`Http` over the network with requests."""
    import requests

    auth = None
    if params and "__basic__" in params:
        user, _, password = params.pop("__basic__").partition(":")
        auth = (user, password)
    answer = requests.request(method, url, params=params, data=form, auth=auth, timeout=10)
    if answer.status_code >= 300:
        raise RuntimeError(f"{method} {url} answered {answer.status_code}: {answer.text[:300]}")
    return answer.json()


def auth_header(name: str, base_url: str, credentials: dict[str, Any], now: float, http: Http = requests_http) -> str:
    """``Header: value`` a request to ``name`` needs; ``now`` is the emulator's virtual clock (POSIX seconds)."""
    if name == "pixop":
        answer = http("GET", f"{base_url}/accounts/v1/token", {"__basic__": f"{credentials['email']}:{credentials['password']}"}, None)
        return f"Authorization: Bearer {answer['jwtToken']}"
    if name == "vonage":
        from mockservers.vonage.walk import mint_jwt

        return f"Authorization: Bearer {mint_jwt(credentials['application_id'], credentials['private_key'], now=now)}"
    if name == "bluebillywig":
        # FACTS.md: rpctoken = {keyId}-HMAC-SHA1(secret, 120-second window counter), on the server's clock.
        token = hotp_hex(credentials["secret"], window_counter(now, 120))
        return f"rpctoken: {credentials['key_id']}-{token}"
    if name == "mediaflow":
        from mockservers.mediaflow.walk import token_params

        answer = http("GET", f"{base_url}/1/oauth2/token", token_params(credentials), None)
        return f"Authorization: Bearer {answer['access_token']}"
    if name == "mediabank":
        answer = http("POST", credentials["jwt_url"] + "/login", None, {"email": credentials["email"], "password": credentials["password"]})
        return f"Authorization: Bearer {answer['token']}"
    raise KeyError(f"unknown provider {name!r}")


def curl_line(name: str, base_url: str, credentials: dict[str, Any]) -> str:
    """One curl command that works against the sandbox as printed (a real call with real credentials)."""
    if name == "pixop":
        return f"curl -u {shlex.quote(credentials['email'] + ':' + credentials['password'])} {base_url}/accounts/v1/token"
    if name == "vonage":
        basic = base64.b64encode(f"{credentials['api_key']}:{credentials['api_secret']}".encode()).decode()
        return f"curl -H 'Authorization: Basic {basic}' {base_url}/v3/media"
    if name == "bluebillywig":
        # The rpctoken changes every 120 seconds, so the line asks the token command for a fresh one.
        return f'curl -H "$(mockservers token bluebillywig --base-url {base_url})" "{base_url}/sapi/mediaclip?limit=5"'
    if name == "mediaflow":
        query = "&".join(
            f"{k}={credentials[k]}" for k in ("client_id", "client_secret", "refresh_token")
        )
        return f"curl '{base_url}/1/oauth2/token?grant_type=refresh_token&{query}'"
    if name == "mediabank":
        return (
            f"curl -d email={shlex.quote(credentials['email'])} -d password={shlex.quote(credentials['password'])} "
            f"{credentials['jwt_url']}/login"
        )
    raise KeyError(f"unknown provider {name!r}")


def extra_headers(name: str, credentials: dict[str, Any]) -> list[str]:
    """Headers every call needs besides the auth header (Mediabank's MAP-Application)."""
    if name == "mediabank":
        return [f"MAP-Application: {credentials['map_application']}"]
    return []
