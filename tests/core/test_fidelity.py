"""Fidelity warnings land on the exchange's journal entry, and only there."""

from __future__ import annotations

from flask import Flask

from mockservers.core.emulator import Emulator, Provider
from mockservers.core.fidelity import warn
from mockservers.core.state import BaseState


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
