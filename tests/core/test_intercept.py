"""mockservers.intercept with requests: a real Pixop client flow against https://staging-api.pixop.com, no socket."""

from __future__ import annotations

import hashlib
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest
import requests
from requests.adapters import HTTPAdapter

import mockservers
from mockservers.intercept import HostNotAllowed, Interceptor
from mockservers.validation import exchange_violations

SMALL = Path(__file__).resolve().parents[2] / "fixtures" / "media" / "small.mov"
API = "https://staging-api.pixop.com"


def login(session: requests.Session, mocked: Interceptor, base: str = API) -> str:
    """Basic-auth token request, as Pixop's clients do; the session then sends the bearer token."""
    creds = mocked["pixop"].credentials
    response = session.get(f"{base}/accounts/v1/token", auth=(creds["email"], creds["password"]), timeout=5)
    assert response.status_code == 200, response.text
    token = response.json()["jwtToken"]
    session.headers["Authorization"] = f"Bearer {token}"
    return token


def assert_contracts_hold(mocked: Interceptor) -> None:
    """Emulators made by intercept() are not the plugin's, so their exchanges are checked here."""
    emulator = mocked["pixop"]
    assert exchange_violations("pixop", emulator.journal.entries(include_admin=True)) == []


def test_full_client_flow_without_a_socket() -> None:
    with mockservers.intercept("pixop") as mocked:
        session = requests.Session()
        login(session, mocked)
        project = session.put(f"{API}/videos/v1/project", json={"name": "Intercepted"}, timeout=5)
        assert project.status_code == 200, project.text
        video = session.put(f"{API}/videos/v1/video", json={"projectId": project.json()["project"]["id"]}, timeout=5).json()
        # URLs the emulator answers name the host the client used, so following them stays intercepted.
        assert video["uploadMediaUrl"].startswith(f"{API}/media/v1/upload/")
        with open(SMALL, "rb") as handle:
            uploaded = session.post(video["uploadMediaUrl"], files={"file": (SMALL.name, handle)}, timeout=5)
        assert uploaded.status_code == 200, uploaded.text
        mocked["pixop"].clock.advance(60)  # ingestion runs on the virtual clock
        ingest = session.get(uploaded.json()["checkIngestProgressUrl"], timeout=5).json()["ingestionState"]
        assert ingest["ingestionStatus"] == "DONE"

        original = f"{API}/media/v1/download/original/{video['videoId']}"
        whole = session.get(original, timeout=5)
        assert whole.status_code == 200
        assert whole.content == SMALL.read_bytes()
        assert whole.headers["ETag"].strip('"') == hashlib.md5(SMALL.read_bytes()).hexdigest()
        part = session.get(original, headers={"Range": "bytes=10-19"}, timeout=5)
        assert part.status_code == 206
        assert part.content == SMALL.read_bytes()[10:20]
        assert part.headers["Content-Range"] == f"bytes 10-19/{SMALL.stat().st_size}"

        head = session.head(original, timeout=5)
        assert (head.status_code, head.content) == (200, b"")
        assert head.headers["Content-Length"] == str(SMALL.stat().st_size)
        assert session.get(original, headers={"If-None-Match": whole.headers["ETag"]}, timeout=5).status_code == 304

        paths = [(e.method, e.path, e.status) for e in mocked["pixop"].journal.entries()]
        assert ("POST", f"/media/v1/upload/{video['videoId']}", 200) in paths
        assert ("GET", f"/media/v1/download/original/{video['videoId']}", 206) in paths
        assert_contracts_hold(mocked)


def test_response_is_a_real_requests_response() -> None:
    with mockservers.intercept("pixop") as mocked:
        session = requests.Session()
        login(session, mocked)
        response = session.get(f"{API}/accounts/v1/account", timeout=5)
        assert isinstance(response, requests.Response)
        assert response.url == f"{API}/accounts/v1/account"
        assert response.reason == "OK"
        assert response.elapsed.total_seconds() > 0
        assert response.headers["Content-Type"] == "application/json"
        # The Date header follows the virtual clock, as over a socket.
        mocked["pixop"].clock.set(datetime(2031, 5, 6, 7, 8, 9, tzinfo=timezone.utc))
        assert session.get(f"{API}/accounts/v1/account", timeout=5).headers["Date"] == "Tue, 06 May 2031 07:08:09 GMT"
        login(session, mocked)  # the jump outlived the token
        streamed = session.get(f"{API}/accounts/v1/account", stream=True, timeout=5)
        assert b"".join(streamed.iter_content(7)) == response.content


def test_production_host_and_plain_http_are_intercepted_too() -> None:
    with mockservers.intercept("pixop") as mocked:
        session = requests.Session()
        login(session, mocked, base="https://api.pixop.com")
        assert session.get("http://staging-api.pixop.com/accounts/v1/account", timeout=5).status_code == 200
        hosts = {e.request_headers.get("Host") for e in mocked["pixop"].journal.entries()}
        assert hosts == {"api.pixop.com", "staging-api.pixop.com"}


def test_request_body_from_a_generator_is_streamed() -> None:
    boundary = "b0undary"
    pulled: list[int] = []

    def multipart():
        yield f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"small.mov\"\r\n".encode()
        yield b"Content-Type: application/octet-stream\r\n\r\n"
        with open(SMALL, "rb") as handle:
            while chunk := handle.read(4096):
                pulled.append(len(chunk))
                yield chunk
        yield f"\r\n--{boundary}--\r\n".encode()

    with mockservers.intercept("pixop") as mocked:
        session = requests.Session()
        login(session, mocked)
        video = session.put(f"{API}/videos/v1/video", json={}, timeout=5).json()
        uploaded = session.post(
            video["uploadMediaUrl"], data=multipart(), headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )
        assert uploaded.status_code == 200, uploaded.text
        assert sum(pulled) == SMALL.stat().st_size
        entry = mocked["pixop"].journal.last(method="POST")
        assert entry.request_headers.get("Transfer-Encoding") == "chunked"
        stored = session.get(f"{API}/media/v1/download/original/{video['videoId']}", timeout=5)
        assert stored.content == SMALL.read_bytes()


def test_status_fault_answers_like_over_a_socket() -> None:
    with mockservers.intercept("pixop") as mocked:
        session = requests.Session()
        login(session, mocked)
        mocked["pixop"].faults.add(kind="status", status=503, path="/accounts/v1/account", times=1, headers={"Retry-After": "2"})
        faulted = session.get(f"{API}/accounts/v1/account", timeout=5)
        assert faulted.status_code == 503
        assert faulted.headers["Retry-After"] == "2"
        assert session.get(f"{API}/accounts/v1/account", timeout=5).status_code == 200
        assert mocked["pixop"].journal.entries(status=503)[0].fault is not None


def test_dropped_connection_is_a_requests_connection_error() -> None:
    with mockservers.intercept("pixop") as mocked:
        session = requests.Session()
        login(session, mocked)
        mocked["pixop"].faults.add(kind="drop", path="/videos/v1/projects")
        with pytest.raises(requests.ConnectionError, match="Connection aborted"):
            session.get(f"{API}/videos/v1/projects", timeout=5)
        assert mocked["pixop"].journal.last(path="/videos/v1/projects").dropped is True


def test_unknown_host_is_refused_naming_it_and_the_way_out() -> None:
    with mockservers.intercept("pixop"), pytest.raises(HostNotAllowed) as refused:
        requests.get("https://example.com/anything", timeout=5)
    message = str(refused.value)
    assert "'example.com'" in message
    assert "allow_hosts" in message
    # Not a requests error: a client's `except requests.RequestException` retry loop cannot swallow it.
    assert not isinstance(refused.value, requests.RequestException)


def test_allowed_host_passes_to_the_real_network_and_loopback_by_default() -> None:
    with mockservers.create_emulator("pixop") as socket_emulator, mockservers.intercept("pixop") as mocked:
        assert requests.get(f"{socket_emulator.base_url}/__admin/", timeout=5).status_code == 200
        localhost = socket_emulator.base_url.replace("127.0.0.1", "localhost")
        assert requests.get(f"{localhost}/__admin/", timeout=5).status_code == 200
        # The request reached the socket emulator, not the in-process one.
        assert len(socket_emulator.journal.entries(include_admin=True)) == 2
        assert len(mocked["pixop"].journal.entries(include_admin=True)) == 0
    with mockservers.intercept("pixop", allow_hosts=[]), pytest.raises(HostNotAllowed, match="127.0.0.1"):
        requests.get("http://127.0.0.1:9/", timeout=5)


def test_other_providers_host_is_refused_naming_the_provider() -> None:
    # A host that belongs to a provider left out of this intercept() says which provider to add.
    other = next(name for name in mockservers.PROVIDERS if name != "pixop")
    with mockservers.intercept(other), pytest.raises(HostNotAllowed, match=r"provider 'pixop'.*intercept\('pixop'"):
        requests.get(f"{API}/accounts/v1/account", timeout=5)


def test_host_prefix_and_glob_route_into_the_prefixed_path(monkeypatch) -> None:
    from mockservers.registry import provider

    monkeypatch.setitem(provider("pixop").hosts, "*.pixop-accounts.example", "/accounts")
    with mockservers.intercept("pixop") as mocked:
        creds = mocked["pixop"].credentials
        response = requests.get("https://eu.pixop-accounts.example/v1/token", auth=(creds["email"], creds["password"]), timeout=5)
        assert response.status_code == 200, response.text
        assert mocked["pixop"].journal.last().path == "/accounts/v1/token"


def test_decorator_form_and_supplied_emulators_are_left_open() -> None:
    emulator = mockservers.create_emulator("pixop")
    mocked = mockservers.intercept(emulators={"pixop": emulator})

    @mocked
    def client_code() -> int:
        creds = emulator.credentials
        return requests.get(f"{API}/accounts/v1/token", auth=(creds["email"], creds["password"]), timeout=5).status_code

    try:
        assert client_code() == 200
        assert client_code() == 200
        assert len(emulator.journal.entries(path="/accounts/v1/token")) == 2
        assert HTTPAdapter.send.__name__ == "send" and not hasattr(HTTPAdapter.send, "__wrapped__")
        assert emulator.credentials  # still usable: intercept() did not close what it was given
    finally:
        emulator.close()


def test_patches_are_restored_after_exit_even_on_errors_and_when_nested() -> None:
    original = HTTPAdapter.send
    with pytest.raises(RuntimeError), mockservers.intercept("pixop"):
        assert HTTPAdapter.send is not original
        raise RuntimeError("client code failed")
    assert HTTPAdapter.send is original
    outer = mockservers.intercept("pixop")
    with outer:
        with mockservers.intercept("pixop") as inner:
            creds = inner["pixop"].credentials
            requests.get(f"{API}/accounts/v1/token", auth=(creds["email"], creds["password"]), timeout=5)
            assert len(inner["pixop"].journal) == 1  # the innermost interceptor answers
            assert len(outer["pixop"].journal) == 0
        assert HTTPAdapter.send is not original  # the outer one is still active
        requests.get(f"{API}/accounts/v1/account", timeout=5)
        assert len(outer["pixop"].journal) == 1
    assert HTTPAdapter.send is original


def test_many_threads_share_one_interceptor() -> None:
    with mockservers.intercept("pixop") as mocked:
        creds = mocked["pixop"].credentials
        statuses: list[int] = []

        def worker() -> None:
            with requests.Session() as session:
                for _ in range(5):
                    response = session.get(f"{API}/accounts/v1/token", auth=(creds["email"], creds["password"]), timeout=5)
                    statuses.append(response.status_code)

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert statuses == [200] * 20
        assert len(mocked["pixop"].journal.entries(path="/accounts/v1/token")) == 20


def test_latency_fault_delays_the_answer_and_attribute_access_works() -> None:
    with mockservers.intercept("pixop", settings={"ingest_seconds": 1}) as mocked:
        assert mocked.pixop is mocked["pixop"]
        assert mocked.pixop.context.settings["ingest_seconds"] == 1  # **config reaches the emulators it creates
        mocked.pixop.faults.add(kind="latency", latency_ms=150, path="/accounts/v1/token")
        response = requests.get(f"{API}/accounts/v1/token", timeout=5)
        assert response.status_code == 401
        assert response.elapsed.total_seconds() >= 0.15


def test_unknown_provider_name_is_rejected() -> None:
    with pytest.raises(KeyError, match="unknown provider 'nope'"):
        mockservers.intercept("nope")
