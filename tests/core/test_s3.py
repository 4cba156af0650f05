"""The shared S3 endpoint: moto's server on a real socket, used by any S3 client."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
import requests
from flask import Flask, jsonify

from mockservers.core.emulator import Emulator, EmulatorConfig, Provider
from mockservers.core.errors import ApiError
from mockservers.core.s3 import S3Endpoint, S3Error
from mockservers.core.state import BaseState

BUCKET = "core-test-bucket"


class BucketState(BaseState):
    """A world that keeps one bucket on the endpoint."""

    provider = "s3demo"

    def s3_buckets(self) -> list[str]:
        return [BUCKET]


def _routes(app: Flask) -> None:
    @app.get("/objects")
    def objects() -> Any:
        s3 = app.extensions["mockservers"].context.s3
        return jsonify(sorted(item["Key"] for item in s3.iter_objects(BUCKET)))


def _render(error: ApiError) -> Any:
    return jsonify({"message": error.message}), error.status


DEMO = Provider("s3demo", "S3 demo", 0, BucketState, _routes, _render, uses_s3=True)


def _boto(endpoint: S3Endpoint) -> Any:
    info = endpoint.info()
    return boto3.client(
        "s3",
        endpoint_url=info["endpoint_url"],
        region_name=info["region"],
        aws_access_key_id=info["access_key_id"],
        aws_secret_access_key=info["secret_access_key"],
    )


def test_boto3_round_trip_and_download(mockservers_s3: S3Endpoint, tmp_path: Any) -> None:
    mockservers_s3.ensure_bucket(BUCKET)
    client = _boto(mockservers_s3)
    client.put_object(Bucket=BUCKET, Key="a/b.txt", Body=b"hello s3")
    assert mockservers_s3.head(BUCKET, "a/b.txt")["ContentLength"] == 8
    assert mockservers_s3.download(BUCKET, "a/b.txt", str(tmp_path / "b.txt")) == 8
    assert (tmp_path / "b.txt").read_bytes() == b"hello s3"
    mockservers_s3.empty_bucket(BUCKET)
    assert list(mockservers_s3.iter_objects(BUCKET)) == []


def test_presigned_put_with_plain_http(mockservers_s3: S3Endpoint) -> None:
    mockservers_s3.ensure_bucket(BUCKET)
    url = mockservers_s3.presign("put_object", BUCKET, "presigned.bin")
    assert url.startswith(mockservers_s3.url)
    response = requests.put(url, data=b"\x00\x01\x02", timeout=10)
    assert response.status_code == 200
    assert mockservers_s3.head(BUCKET, "presigned.bin")["ContentLength"] == 3
    mockservers_s3.empty_bucket(BUCKET)


def test_presigned_multipart_upload(mockservers_s3: S3Endpoint) -> None:
    mockservers_s3.ensure_bucket(BUCKET)
    upload = mockservers_s3.client.create_multipart_upload(Bucket=BUCKET, Key="big.bin")
    parts = []
    for number, payload in enumerate([b"a" * (5 * 1024 * 1024), b"b" * 10], start=1):
        url = mockservers_s3.presign("upload_part", BUCKET, "big.bin", UploadId=upload["UploadId"], PartNumber=number)
        response = requests.put(url, data=payload, timeout=30)
        assert response.status_code == 200
        parts.append({"PartNumber": number, "ETag": response.headers["ETag"]})
    mockservers_s3.client.complete_multipart_upload(
        Bucket=BUCKET, Key="big.bin", UploadId=upload["UploadId"], MultipartUpload={"Parts": parts}
    )
    assert mockservers_s3.head(BUCKET, "big.bin")["ContentLength"] == 5 * 1024 * 1024 + 10
    mockservers_s3.empty_bucket(BUCKET)


def test_missing_object_is_an_s3_error(mockservers_s3: S3Endpoint, tmp_path: Any) -> None:
    mockservers_s3.ensure_bucket(BUCKET)
    assert mockservers_s3.head(BUCKET, "nope") is None
    with pytest.raises(S3Error, match="nope"):
        mockservers_s3.download(BUCKET, "nope", str(tmp_path / "x"))


def test_emulator_creates_and_empties_its_buckets(mockservers_s3: S3Endpoint) -> None:
    with Emulator(DEMO, EmulatorConfig(s3=mockservers_s3)) as emulator:
        client = _boto(mockservers_s3)
        client.put_object(Bucket=BUCKET, Key="left-over", Body=b"x")
        client.create_multipart_upload(Bucket=BUCKET, Key="unfinished")
        assert requests.get(emulator.base_url + "/objects", timeout=10).json() == ["left-over"]
        emulator.reset()
        assert requests.get(emulator.base_url + "/objects", timeout=10).json() == []
        assert client.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []
    # A shared endpoint outlives the emulator that used it.
    assert mockservers_s3.running


def test_emulator_without_shared_endpoint_runs_and_stops_its_own() -> None:
    emulator = Emulator(DEMO).start()
    try:
        own = emulator.s3
        assert own is not None and own.running
        assert requests.get(emulator.base_url + "/objects", timeout=10).json() == []
    finally:
        emulator.close()
    assert not own.running


def test_reset_calls_s3_only_for_buckets_a_test_wrote_to() -> None:
    endpoint = S3Endpoint().start()
    emulator = Emulator(DEMO, EmulatorConfig(s3=endpoint)).start()
    emulator.reset()  # a bucket just created may hold objects from an earlier run: emptied once
    calls: list[str] = []
    endpoint.client.meta.events.register("before-send.s3", lambda request, **_: calls.append(request.method))
    try:
        emulator.reset()
        assert calls == []  # nothing written: no S3 call at all
        other = boto3.client(
            "s3", endpoint_url=endpoint.url, region_name="us-east-1",
            aws_access_key_id="a", aws_secret_access_key="b",
        )
        other.put_object(Bucket=BUCKET, Key="left-over", Body=b"x")
        emulator.reset()
        assert calls  # the written bucket was emptied
        assert list(endpoint.iter_objects(BUCKET)) == []
        calls.clear()
        emulator.reset()
        assert calls == []
    finally:
        emulator.close()
        endpoint.stop()
