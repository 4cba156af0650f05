"""mockservers.intercept with httpx: Client and AsyncClient against https://staging-api.pixop.com, no socket."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

import mockservers
from mockservers.intercept import HostNotAllowed
from mockservers.validation import exchange_violations

SMALL = Path(__file__).resolve().parents[2] / "fixtures" / "media" / "small.mov"
API = "https://staging-api.pixop.com"


def test_sync_client_flow_upload_and_ranged_download() -> None:
    with mockservers.intercept("pixop") as mocked, httpx.Client(base_url=API) as client:
        creds = mocked["pixop"].credentials
        token = client.get("/accounts/v1/token", auth=(creds["email"], creds["password"])).json()["jwtToken"]
        client.headers["Authorization"] = f"Bearer {token}"
        video = client.put("/videos/v1/video", json={"name": "via httpx"}).json()
        with open(SMALL, "rb") as handle:
            uploaded = client.post(video["uploadMediaUrl"], files={"file": (SMALL.name, handle)})
        assert uploaded.status_code == 200, uploaded.text
        ranged = client.get(f"/media/v1/download/original/{video['videoId']}", headers={"Range": "bytes=0-99"})
        assert ranged.status_code == 206
        assert ranged.content == SMALL.read_bytes()[:100]
        assert ranged.reason_phrase == "PARTIAL CONTENT"
        with client.stream("GET", f"/media/v1/download/original/{video['videoId']}") as streamed:
            assert b"".join(streamed.iter_bytes()) == SMALL.read_bytes()
        assert mocked["pixop"].journal.last(method="POST").status == 200
        assert exchange_violations("pixop", mocked["pixop"].journal.entries(include_admin=True)) == []


def test_sync_client_sees_faults_and_drops() -> None:
    with mockservers.intercept("pixop") as mocked, httpx.Client() as client:
        mocked["pixop"].faults.add(kind="status", status=429, path="/accounts/v1/token", times=1, headers={"Retry-After": "1"})
        assert client.get(f"{API}/accounts/v1/token").status_code == 429
        mocked["pixop"].faults.add(kind="drop", path="/accounts/v1/token")
        with pytest.raises(httpx.RemoteProtocolError, match="disconnected"):
            client.get(f"{API}/accounts/v1/token")
        assert mocked["pixop"].journal.last().dropped is True


def test_sync_client_unknown_host_is_refused() -> None:
    with mockservers.intercept("pixop"), pytest.raises(HostNotAllowed, match="'upload.example.org'"):
        httpx.get("https://upload.example.org/x")


def test_async_client_flow_with_a_streamed_request_body() -> None:
    async def body():
        data = SMALL.read_bytes()
        for start in range(0, len(data), 8192):
            yield data[start : start + 8192]

    async def main(mocked) -> None:
        creds = mocked["pixop"].credentials
        async with httpx.AsyncClient(base_url=API) as client:
            token = (await client.get("/accounts/v1/token", auth=(creds["email"], creds["password"]))).json()["jwtToken"]
            client.headers["Authorization"] = f"Bearer {token}"
            video = (await client.put("/videos/v1/video", json={})).json()
            boundary = "zz"
            head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="small.mov"\r\n\r\n'.encode()

            async def multipart():
                yield head
                async for chunk in body():
                    yield chunk
                yield f"\r\n--{boundary}--\r\n".encode()

            uploaded = await client.post(
                video["uploadMediaUrl"], content=multipart(), headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
            )
            assert uploaded.status_code == 200, uploaded.text
            downloaded = await client.get(f"/media/v1/download/original/{video['videoId']}")
            assert downloaded.content == SMALL.read_bytes()
            mocked["pixop"].faults.add(kind="drop", path="/accounts/v1/account")
            with pytest.raises(httpx.RemoteProtocolError):
                await client.get("/accounts/v1/account")
            with pytest.raises(HostNotAllowed):
                await client.get("https://elsewhere.example/")

    with mockservers.intercept("pixop") as mocked:
        asyncio.run(main(mocked))
        assert mocked["pixop"].journal.last(method="POST").request_headers.get("Transfer-Encoding") == "chunked"
        assert exchange_violations("pixop", mocked["pixop"].journal.entries(include_admin=True)) == []


def test_async_decorator_form() -> None:
    mocked = mockservers.intercept("pixop")

    @mocked
    async def client_code() -> int:
        async with httpx.AsyncClient() as client:
            return (await client.get(f"{API}/accounts/v1/account")).status_code

    assert asyncio.run(client_code()) == 401  # no token: Pixop's NoJWTTokenFoundException
    assert httpx.HTTPTransport.handle_request.__name__ == "handle_request"
    assert not hasattr(httpx.HTTPTransport.handle_request, "__wrapped__")


def test_httpx_loopback_passes_through() -> None:
    with mockservers.create_emulator("pixop") as socket_emulator, mockservers.intercept("pixop"):
        assert httpx.get(f"{socket_emulator.base_url}/__admin/").status_code == 200
        assert len(socket_emulator.journal.entries(include_admin=True)) == 1
