"""Errors the S3 endpoint's HTTP server raises itself (before moto runs) come in S3's XML error shape."""

from __future__ import annotations

import http.client
import xml.etree.ElementTree as ET

import pytest
from botocore.exceptions import ClientError

from mockservers.core.s3 import S3Endpoint


def _raw(endpoint: S3Endpoint, method: str, path: str, headers: dict[str, str]) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection(endpoint.url.split("//", 1)[1], timeout=10)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("path", "headers", "code"),
    [
        ("/bucket/key", {"X-Big": "a" * 70_000}, "RequestHeaderSectionTooLarge"),  # werkzeug's 431 "Line too long"
        ("/bucket/key", {f"X-H{i}": "a" for i in range(120)}, "RequestHeaderSectionTooLarge"),  # 431 "Too many headers"
        ("/bucket/" + "k" * 70_000, {}, "KeyTooLongError"),  # 414
        ("/bucket/key?prefix=" + "p" * 70_000, {}, "InvalidURI"),  # 414, the query is what is long
    ],
)
def test_the_servers_own_errors_are_s3_xml(mockservers_s3: S3Endpoint, path: str, headers: dict[str, str], code: str) -> None:
    status, content_type, body = _raw(mockservers_s3, "GET", path, headers)
    assert status == 400  # what S3 answers for these codes (not the HTTP server's 431/414)
    assert content_type == "application/xml"
    root = ET.fromstring(body)
    assert root.tag == "Error"
    assert root.findtext("Code") == code and root.findtext("Message") and root.findtext("RequestId")
    assert b"<html" not in body.lower()


def test_head_gets_the_status_without_a_body(mockservers_s3: S3Endpoint) -> None:
    status, content_type, body = _raw(mockservers_s3, "HEAD", "/bucket/key", {"X-Big": "a" * 70_000})
    assert (status, content_type, body) == (400, "application/xml", b"")


def test_boto3_reads_the_error_code(mockservers_s3: S3Endpoint) -> None:
    mockservers_s3.ensure_bucket("errors-shape")
    with pytest.raises(ClientError) as caught:
        mockservers_s3.client.put_object(Bucket="errors-shape", Key="k", Body=b"x", Metadata={"big": "a" * 70_000})
    assert caught.value.response["Error"]["Code"] == "RequestHeaderSectionTooLarge"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_requests_the_server_reads_still_reach_moto(mockservers_s3: S3Endpoint) -> None:
    status, content_type, body = _raw(mockservers_s3, "GET", "/no-such-bucket-here/key", {})
    assert status == 404 and ET.fromstring(body).findtext("Code") == "NoSuchBucket"
