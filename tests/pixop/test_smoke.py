"""The Pixop emulator answers the documented basics over a real socket."""

from __future__ import annotations


def test_token_then_account(pixop_client) -> None:
    response = pixop_client.get("/accounts/v1/account")
    assert response.status_code == 200
    assert response.json()["user"]["email"] == pixop_client.emulator.credentials["email"]


def test_contract_validation_catches_a_wrong_shape(pixop, pixop_client) -> None:
    from mockservers.pytest_plugin import check_contracts

    pixop_client.get("/videos/v1/projects")
    assert check_contracts(pixop) == []
    entry = pixop.journal.last(path="/videos/v1/projects")
    entry.response_body["json"]["page"] = "zero"
    violations = check_contracts(pixop)
    assert [v.pointer for v in violations] == ["/page"]
    entry.response_body["json"]["page"] = 0
