"""Fidelity warnings land on the exchange's journal entry, and only there."""

from __future__ import annotations

import pytest
import requests
from flask import Flask

from mockservers.core.emulator import Emulator, Provider
from mockservers.core.fidelity import warn
from mockservers.core.state import BaseState
from mockservers.registry import authenticate_of


def _routes(app: Flask) -> None:
    @app.get("/odd")
    def odd() -> dict[str, str]:
        warn("unknown-parameter", "the real service may refuse 'x'", "inferred")
        warn("unknown-parameter", "the real service may refuse 'x'", "inferred")  # recorded once
        return {"ok": "yes"}


class _State(BaseState):
    provider = "fidelity-demo"


DEMO = Provider("fidelity-demo", "demo", 0, _State, _routes, lambda e: Flask.response_class(e.message, e.status))


def test_warning_is_on_the_journal_entry_not_in_the_answer() -> None:
    emulator = Emulator(DEMO)
    client = emulator.app.test_client()
    answer = client.get("/odd")
    assert answer.get_json() == {"ok": "yes"}
    entry = emulator.journal.last()
    assert entry.warnings == [{"code": "unknown-parameter", "message": "the real service may refuse 'x'", "source": "inferred"}]
    assert entry.to_json()["warnings"] == entry.warnings
    journal = client.get("/__admin/journal").get_json()
    assert journal["entries"][0]["warnings"][0]["code"] == "unknown-parameter"


def test_warn_outside_a_request_is_a_no_op() -> None:
    warn("x", "y")  # must not raise


# One endpoint per provider whose contract declares no query, reached with the provider's own login
# helper. (Mediaflow's every GET takes a query whose names it judges itself: its own tests cover it.)
LISTS = {
    "pixop": "/accounts/v1/account",
    "vonage": "/v3/media/{first}/info",
    "bluebillywig": "/sapi/publication",
    "mediabank": "/storage/",
}


@pytest.mark.parametrize("name", list(LISTS))
def test_an_undocumented_query_parameter_is_accepted_with_a_warning(name: str, request: pytest.FixtureRequest) -> None:
    emulator = request.getfixturevalue(name)
    session = requests.Session()
    authenticate_of(name)(session, emulator.base_url, emulator.credentials)
    path = LISTS[name].format(first=next(iter(emulator.state.db.get("media", {})), ""))
    plain = session.get(emulator.base_url + path, timeout=10)
    odd = session.get(emulator.base_url + path, params={"mockservers_odd": "1"}, timeout=10)
    assert odd.status_code == plain.status_code == 200
    assert odd.content == plain.content  # the same answer: strictness is the test's, never the emulator's
    entries = emulator.journal.entries(path=path)
    assert entries[-2].warnings == []
    assert [(w["code"], w["source"]) for w in entries[-1].warnings] == [("unknown-parameter", "inferred")]
    assert "mockservers_odd" in entries[-1].warnings[0]["message"]


def test_credentials_in_the_query_are_not_undocumented(bluebillywig) -> None:
    from mockservers.core.fidelity import undeclared_query_parameters

    assert undeclared_query_parameters("bluebillywig", "GET", "/sapi/publication", ["rpctoken", "zzz"]) == ["zzz"]
    # A query schema that admits other names (field filters) leaves the judgement to the provider.
    assert undeclared_query_parameters("bluebillywig", "GET", "/sapi/mediaclip", ["status", "zzz"]) == []


def test_an_open_query_schema_lists_its_undeclared_names_when_the_provider_asks() -> None:
    from mockservers.core.fidelity import undeclared_query_parameters

    names = ["page", "zzz", "access_token"]
    # Mediaflow's list queries admit other names: by default the judgement is the provider's own...
    assert undeclared_query_parameters("mediaflow", "GET", "/1/file/latest", names) == []
    # ...which asks for the names the schema does not list (credentials in the query excluded).
    assert undeclared_query_parameters("mediaflow", "GET", "/1/file/latest", names, include_open=True) == ["zzz"]
