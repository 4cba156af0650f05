"""The mockservers_intercept fixture: real hostnames routed to the test's own `<name>` fixture emulators."""

from __future__ import annotations

import pytest
import requests

pytest_plugins = ["pytester"]

API = "https://staging-api.pixop.com"


def test_fixture_routes_into_the_pixop_fixture(mockservers_intercept, pixop) -> None:
    creds = pixop.credentials
    response = requests.get(f"{API}/accounts/v1/token", auth=(creds["email"], creds["password"]), timeout=5)
    assert response.status_code == 200
    # The same emulator as the `pixop` fixture: its journal, clock and faults apply.
    assert mockservers_intercept["pixop"] is pixop
    assert pixop.journal.last(path="/accounts/v1/token").status == 200
    pixop.faults.add(kind="drop", path="/accounts/v1/account")
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{API}/accounts/v1/account", timeout=5)


def test_fixture_sets_up_providers_lazily(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import requests

        def test_lazy(mockservers_intercept, request):
            assert "pixop" not in request.fixturenames
            response = requests.get("https://api.pixop.com/accounts/v1/account", timeout=5)
            assert response.status_code == 401
            assert "pixop" in request.fixturenames
            assert request.getfixturevalue("pixop").journal.last().status == 401
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-p", "no:xdist")
    result.assert_outcomes(passed=1)


def test_fixture_restores_the_libraries_after_each_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx
        from requests.adapters import HTTPAdapter

        def test_first(mockservers_intercept):
            assert hasattr(HTTPAdapter.send, "__wrapped__")
            assert hasattr(httpx.AsyncHTTPTransport.handle_async_request, "__wrapped__")

        def test_second():
            assert not hasattr(HTTPAdapter.send, "__wrapped__")
            assert not hasattr(httpx.AsyncHTTPTransport.handle_async_request, "__wrapped__")
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-p", "no:xdist", "-p", "no:randomly")
    result.assert_outcomes(passed=2)
