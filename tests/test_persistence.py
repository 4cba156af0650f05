"""Persistence: state, uploaded bytes and S3 objects survive a restart (two real processes), and archives."""

from __future__ import annotations

import io
import os
import signal
from pathlib import Path

import boto3
import pytest
import requests

from mockservers.persistence import restore_archive, snapshot_archive
from mockservers.registry import create_emulator

PAYLOAD = os.urandom(200_000)  # arbitrary bytes: the store must keep them exactly


def _vonage_upload(base: str, credentials: dict) -> str:
    auth = (credentials["api_key"], credentials["api_secret"])
    answer = requests.post(f"{base}/v3/media", auth=auth, files={"filedata": ("kept.bin", PAYLOAD, "application/octet-stream")}, timeout=30)
    assert answer.status_code in (200, 201), answer.text
    return answer.json()["id"]


def _s3(info: dict):
    s3 = info["s3"]["credentials"]
    return boto3.client("s3", endpoint_url=s3["endpoint_url"], region_name=s3["region"],
                        aws_access_key_id=s3["access_key_id"], aws_secret_access_key=s3["secret_access_key"])


@pytest.mark.slow
def test_state_dir_keeps_state_bytes_and_s3_objects_across_restarts(run_sandbox, tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    ports = ["--port", "vonage=0", "--port", "bluebillywig=0", "--port", "s3=0", "--port", "dashboard=0"]
    first, info = run_sandbox("vonage", "bluebillywig", *ports, "--state-dir", str(state_dir))
    vonage = info["vonage"]
    media_id = _vonage_upload(vonage["base_url"], vonage["credentials"])
    bucket = info["bluebillywig"]["credentials"]["s3_bucket"]
    _s3(info).put_object(Bucket=bucket, Key="incoming/kept.bin", Body=PAYLOAD)
    first.send_signal(signal.SIGINT)
    assert first.wait(timeout=30) == 0
    out = first.stdout.read() if first.stdout else ""
    assert "saved vonage" in out and (state_dir / "vonage.tar.gz").exists()

    second, info = run_sandbox("vonage", "bluebillywig", *ports, "--state-dir", str(state_dir))
    vonage = info["vonage"]
    auth = (vonage["credentials"]["api_key"], vonage["credentials"]["api_secret"])
    download = requests.get(f"{vonage['base_url']}/v3/media/{media_id}", auth=auth, timeout=30)
    assert download.status_code == 200, download.text
    assert download.content == PAYLOAD
    assert _s3(info).get_object(Bucket=bucket, Key="incoming/kept.bin")["Body"].read() == PAYLOAD
    # A new upload after the restore gets a new blob, not one of the restored ones.
    other = _vonage_upload(vonage["base_url"], vonage["credentials"])
    assert other != media_id
    assert requests.get(f"{vonage['base_url']}/v3/media/{media_id}", auth=auth, timeout=30).content == PAYLOAD
    # POST /__admin/snapshot saves now, without stopping.
    saved = requests.post(f"{vonage['base_url']}/__admin/snapshot", timeout=30)
    assert saved.status_code == 200 and saved.json()["saved"].endswith("vonage.tar.gz")


def test_snapshot_archive_over_http_and_python_carries_the_bytes() -> None:
    with create_emulator("vonage") as source, create_emulator("vonage") as target:
        media_id = _vonage_upload(source.base_url, source.credentials)
        archive = requests.get(f"{source.base_url}/__admin/snapshot", timeout=30)
        assert archive.status_code == 200 and archive.headers["Content-Type"] == "application/gzip"
        put = requests.put(f"{target.base_url}/__admin/snapshot", data=archive.content, timeout=30)
        assert put.json() == {"restored": True}
        auth = (target.credentials["api_key"], target.credentials["api_secret"])
        assert requests.get(f"{target.base_url}/v3/media/{media_id}", auth=auth, timeout=30).content == PAYLOAD
        # In Python: reset forgets the upload, restoring the archive brings it (and its bytes) back.
        target.reset()
        assert requests.get(f"{target.base_url}/v3/media/{media_id}", auth=auth, timeout=30).status_code == 404
        restore_archive(target, snapshot_archive(source))
        assert requests.get(f"{target.base_url}/v3/media/{media_id}", auth=auth, timeout=30).content == PAYLOAD


def test_bad_archives_are_refused_and_change_nothing() -> None:
    with create_emulator("vonage") as emulator, create_emulator("pixop") as pixop:
        before = emulator.state.snapshot()
        for body in (b"not an archive", io.BytesIO(snapshot_archive(pixop)).getvalue()):
            answer = requests.put(f"{emulator.base_url}/__admin/snapshot", data=body, timeout=30)
            assert answer.status_code == 400
            assert "archive" in answer.json()["error"]
        assert emulator.state.snapshot() == before
        no_dir = requests.post(f"{emulator.base_url}/__admin/snapshot", timeout=30)
        assert no_dir.status_code == 409 and "--state-dir" in no_dir.json()["error"]
