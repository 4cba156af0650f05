"""ServerThread / Emulator lifecycle on real loopback sockets."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from mockservers.core.emulator import Emulator
from mockservers.core.server import ServerThread
from mockservers.pytest_plugin import check_contracts
from mockservers.registry import create_emulator


@pytest.fixture
def emulators() -> Iterator[list[Emulator]]:
    """Emulators made by a test; closed afterwards, their exchanges checked against the contracts."""
    made: list[Emulator] = []
    yield made
    for emulator in made:
        emulator.close()
    for emulator in made:
        assert check_contracts(emulator) == []


def _new(emulators: list[Emulator], **fields) -> Emulator:
    emulator = create_emulator("pixop", **fields)
    emulators.append(emulator)
    return emulator


def _info(base_url: str) -> dict:
    response = requests.get(f"{base_url}/__admin/", timeout=5)
    assert response.status_code == 200
    return response.json()


def test_server_thread_starts_and_stops_twice_on_port_zero(emulators) -> None:
    emulator = _new(emulators)
    for _ in range(2):
        server = ServerThread(emulator.app, "127.0.0.1", 0).start()
        assert server.running
        assert server.port > 0
        assert server.base_url == f"http://127.0.0.1:{server.port}"
        assert _info(server.base_url)["provider"] == "pixop"
        server.stop()
        assert not server.running
        server.stop()  # idempotent
        with pytest.raises(RuntimeError):
            _ = server.port
    assert len(emulator.journal.entries(include_admin=True)) == 2


def test_emulator_starts_and_stops_twice_keeping_state(emulators) -> None:
    emulator = _new(emulators)
    emulator.start()
    assert emulator.base_url.startswith("http://127.0.0.1:")  # loopback by default
    session = requests.Session()
    creds = emulator.credentials
    token = session.get(f"{emulator.base_url}/accounts/v1/token", auth=(creds["email"], creds["password"]), timeout=5)
    headers = {"Authorization": f"Bearer {token.json()['jwtToken']}"}
    project = session.put(f"{emulator.base_url}/videos/v1/project", json={"name": "Survives"}, headers=headers, timeout=5)
    project_id = project.json()["project"]["id"]
    emulator.stop()
    with pytest.raises(RuntimeError):
        _ = emulator.base_url
    emulator.stop()  # idempotent

    emulator.start()
    again = requests.get(f"{emulator.base_url}/videos/v1/project/{project_id}", headers=headers, timeout=5)
    assert again.status_code == 200
    assert again.json()["project"]["name"] == "Survives"
    emulator.stop()


def test_stop_returns_quickly_with_open_connections(emulators) -> None:
    emulator = _new(emulators).start()
    session = requests.Session()
    assert session.get(f"{emulator.base_url}/__admin/clock", timeout=5).status_code == 200
    idle = socket.create_connection(("127.0.0.1", emulator.port), timeout=5)  # connected, never sends
    half = socket.create_connection(("127.0.0.1", emulator.port), timeout=5)
    half.sendall(b"GET /__admin/clock HTTP/1.1\r\nHost: x\r\n")  # headers never finished
    loop = emulator._server._thread  # the server's loop thread
    assert loop is not None and loop.is_alive()
    try:
        emulator.stop()
        # The loop ended on stop()'s own signal: stop() did not give up waiting on it (its join has a
        # 5 s bound) nor on the open connections (waitress's channel timeout is 120 s).
        assert not loop.is_alive()
    finally:
        idle.close()
        half.close()
        session.close()


def test_port_is_released_after_stop(emulators) -> None:
    first = _new(emulators).start()
    port = first.port
    lingering = socket.create_connection(("127.0.0.1", port), timeout=5)
    try:
        assert _info(first.base_url)["provider"] == "pixop"
        first.stop()
        with pytest.raises(requests.exceptions.ConnectionError):
            requests.get(f"http://127.0.0.1:{port}/__admin/", timeout=5)
        second = _new(emulators).start("127.0.0.1", port)
        assert second.port == port
        assert _info(second.base_url)["base_url"] == f"http://127.0.0.1:{port}"
    finally:
        lingering.close()


def test_two_emulators_in_one_process_are_isolated(emulators) -> None:
    one, two = _new(emulators).start(), _new(emulators).start()
    assert one.port != two.port
    assert one.blobs.root != two.blobs.root

    def login(emulator: Emulator) -> dict[str, str]:
        creds = emulator.credentials
        token = requests.get(f"{emulator.base_url}/accounts/v1/token", auth=(creds["email"], creds["password"]), timeout=5)
        assert token.status_code == 200
        return {"Authorization": f"Bearer {token.json()['jwtToken']}"}

    headers_one, headers_two = login(one), login(two)
    created = requests.put(f"{one.base_url}/videos/v1/project", json={"name": "Only in one"}, headers=headers_one, timeout=5)
    project_id = created.json()["project"]["id"]
    assert requests.get(f"{one.base_url}/videos/v1/project/{project_id}", headers=headers_one, timeout=5).status_code == 200
    assert requests.get(f"{two.base_url}/videos/v1/project/{project_id}", headers=headers_two, timeout=5).status_code == 404
    assert project_id not in two.state.db["projects"]

    one.faults.add(path="/videos/v1/projects", status=503)
    assert requests.get(f"{one.base_url}/videos/v1/projects", headers=headers_one, timeout=5).status_code == 503
    assert requests.get(f"{two.base_url}/videos/v1/projects", headers=headers_two, timeout=5).status_code == 200

    one.clock.freeze()
    two.clock.freeze()
    before_two = two.clock.time()
    one.clock.advance(10_000)
    assert two.clock.time() == before_two
    assert requests.get(f"{one.base_url}/accounts/v1/account", headers=headers_one, timeout=5).status_code == 401
    assert requests.get(f"{two.base_url}/accounts/v1/account", headers=headers_two, timeout=5).status_code == 200

    assert [e.path for e in two.journal.entries()] == [
        "/accounts/v1/token",
        "/videos/v1/project/" + project_id,
        "/videos/v1/projects",
        "/accounts/v1/account",
    ]


def test_context_manager_serves_then_removes_blobs() -> None:
    with create_emulator("pixop") as emulator:
        root = emulator.blobs.root
        assert _info(emulator.base_url)["provider"] == "pixop"
        assert check_contracts(emulator) == []
    assert not Path(root).exists()
    with pytest.raises(RuntimeError):
        _ = emulator.base_url


def _raw(port: int, data: bytes) -> bytes:
    """Send raw bytes, read until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(data)
        out = b""
        while chunk := sock.recv(65536):
            out += chunk
    return out


def test_keep_alive_serves_many_requests_on_one_connection(emulators) -> None:
    import http.client

    emulator = _new(emulators).start()
    conn = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=5)
    conn.connect()
    first_socket = conn.sock
    for _ in range(5):
        conn.request("GET", "/__admin/clock")
        response = conn.getresponse()
        assert response.status == 200
        response.read()
        assert not response.will_close
    assert conn.sock is first_socket  # never reconnected
    conn.close()


def test_date_header_follows_the_virtual_clock(emulators) -> None:
    emulator = _new(emulators).start()
    emulator.clock.freeze()
    emulator.clock.advance(86_400 * 365)
    response = requests.get(f"{emulator.base_url}/__admin/clock", timeout=5)
    from email.utils import parsedate_to_datetime

    assert abs(parsedate_to_datetime(response.headers["Date"]).timestamp() - emulator.clock.time()) < 2
    assert "Server" not in response.headers


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 262_200 + b"\r\n\r\n", 431),
        (b"PUT /videos/v1/project HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", 400),
    ],
    ids=["bad-request-line", "headers-too-large", "malformed-chunked"],
)
def test_errors_raised_by_the_server_come_in_the_providers_shape(emulators, data: bytes, status: int) -> None:
    import json

    emulator = _new(emulators).start()
    answer = _raw(emulator.port, data)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.split(b"\r\n")[0].split(b" ")[1] == str(status).encode()
    assert b"Content-Type: application/json" in head
    document = json.loads(body)
    assert set(document) == {"exception", "errorMessage"}  # Pixop's error shape


def test_a_busy_port_names_the_port_the_provider_and_the_way_out(emulators) -> None:
    from mockservers.core.server import PortInUseError

    first = _new(emulators).start()
    second = _new(emulators)
    with pytest.raises(PortInUseError) as raised:
        second.start("127.0.0.1", first.port)
    message = str(raised.value)
    assert str(first.port) in message and "pixop" in message
    assert "--port pixop=N" in message and "MOCKSERVERS_PIXOP_PORT" in message
    assert not second._server  # nothing half started
