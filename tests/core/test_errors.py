"""Typed errors and the shared render_error frame."""

from __future__ import annotations

from flask import Flask

from mockservers.core.errors import ApiError, BadRequestError, ProviderError, error_parts, error_renderer


class NoToken(ProviderError):
    status, code = 401, "NoJWTTokenFoundException"
    default_headers = {"WWW-Authenticate": "Bearer"}


class Gone(ProviderError):
    status = 410


def test_typed_errors_carry_their_class_status_and_code() -> None:
    error = NoToken("no token", headers={"X-Extra": "1"})
    assert isinstance(error, ApiError)
    assert (error.status, error.code, error.message) == (401, "NoJWTTokenFoundException", "no token")
    assert error.headers == {"WWW-Authenticate": "Bearer", "X-Extra": "1"}
    assert NoToken.status == 401 and NoToken("x").headers is not NoToken("y").headers


def test_error_parts_resolve_default_codes_and_name_the_field() -> None:
    parts = error_parts(BadRequestError("must be a string", "name"), {400: "BadRequest"}, "Other")
    assert (parts.status, parts.code, parts.message) == (400, "BadRequest", "name: must be a string")
    assert error_parts(BadRequestError("name is required", "name")).message == "name is required"
    assert error_parts(Gone("x"), {400: "BadRequest"}, "Other").code == "Other"


def test_error_renderer_frames_the_provider_body() -> None:
    render = error_renderer(lambda p: {"exception": p.code, "errorMessage": p.message}, mimetype="application/problem+json")
    app = Flask(__name__)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    with app.app_context():
        response = render(NoToken("no token"))
    assert response.status_code == 401 and response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.get_json() == {"exception": "NoJWTTokenFoundException", "errorMessage": "no token"}
    assert list(response.get_json()) == ["exception", "errorMessage"]


def test_ad_hoc_api_errors_still_work() -> None:
    error = ApiError(415, "upload as multipart", "UnsupportedMediaTypeException", headers={"Accept": "multipart/form-data"})
    assert (error.status, error.code, error.field, error.headers["Accept"]) == (415, "UnsupportedMediaTypeException", None, "multipart/form-data")
