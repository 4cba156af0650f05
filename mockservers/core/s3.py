"""The project's one real S3-compatible endpoint: moto's server on a socket.

Blue Billywig and Mediabank have their clients upload straight to S3. Rather
than write S3 by hand, this serves moto's S3 app (the well-kept emulator that
boto3, presigned URLs and multipart uploads are tested against) on a real
socket, and gives the emulators a boto3 client to read what was uploaded.

moto keeps its data in process-global backends, so one endpoint per process is
the natural unit: the sandbox starts one and hands it to every provider that
needs it; the pytest plugin does the same per session (per xdist worker).
Each emulator owns its bucket(s) and empties them when it is reset. The
endpoint notes which buckets received a write (any request but GET/HEAD)
since they were last emptied, so a reset costs no S3 call for a bucket no test
touched.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from http import HTTPStatus
from typing import Any
from xml.sax.saxutils import escape

from mockservers.core.extras import require_extra
from mockservers.core.server import QuietHandler, WerkzeugServerThread

# moto accepts any credentials; these make boto3 sign requests without a user's AWS config.
ACCESS_KEY_ID = "mockservers"
SECRET_ACCESS_KEY = "mockservers-secret"  # noqa: S105 - a fixed demo value, moto checks nothing
REGION = "us-east-1"


class S3Error(Exception):
    """An object could not be read from the endpoint (missing bucket/object, or unreachable)."""


class S3ErrorHandler(QuietHandler):
    """Errors the HTTP server raises before moto runs (header section or request line too long, a
    malformed request line) in S3's XML error shape, with S3's documented codes where it has one:
    ``RequestHeaderSectionTooLarge`` and ``KeyTooLongError`` / ``InvalidURI`` are 400s on S3."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        status, s3_code, text = _s3_error(code, message, getattr(self, "raw_requestline", b""))
        request_id = hashlib.md5(f"{s3_code}:{text}".encode(), usedforsecurity=False).hexdigest()[:16].upper()
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{s3_code}</Code><Message>{escape(text)}</Message><RequestId>{request_id}</RequestId></Error>"
        ).encode()
        self.log_error("code %d, message %s", code, message)
        self.send_response(status, HTTPStatus(status).phrase)
        self.send_header("Connection", "close")
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def _s3_error(code: int, message: str | None, request_line: bytes) -> tuple[int, str, str]:
    """(status, S3 error code, message) for an error of the HTTP server itself."""
    if code == HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE:
        return 400, "RequestHeaderSectionTooLarge", f"Your request header section exceeds the maximum allowed size ({message or 'too large'})."
    if code == HTTPStatus.REQUEST_URI_TOO_LONG:
        if b"?" not in request_line:
            return 400, "KeyTooLongError", "Your key is too long (the request line exceeds 65536 bytes)."
        return 400, "InvalidURI", "Couldn't parse the specified URI: the request line exceeds 65536 bytes."
    try:
        phrase = HTTPStatus(code).phrase
    except ValueError:
        phrase = "Error"
    return code, "".join(word[:1].upper() + word[1:] for word in phrase.replace("-", " ").split()), message or phrase


class S3Endpoint:
    """moto's S3 server on a real socket, with helpers for the emulators that read from it."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.requested_port = port
        self._server: WerkzeugServerThread | None = None
        self._client: Any = None
        self._lock = threading.Lock()
        # Buckets known to exist, and those written to since last emptied ("*": unknown which).
        self._known: set[str] = set()
        self._dirty: set[str] = set()

    # -- lifecycle ---------------------------------------------------------
    def start(self, host: str | None = None, port: int | None = None) -> S3Endpoint:
        """Serve (idempotent); ``port`` 0 picks a free one."""
        with self._lock:
            if self._server is None:
                moto_app = require_extra("s3", "moto.moto_server.werkzeug_app")
                DomainDispatcherApplication, create_backend_app = moto_app.DomainDispatcherApplication, moto_app.create_backend_app  # noqa: N806

                self.host = host or self.host
                self.requested_port = self.requested_port if port is None else port
                # The same app `moto_server` serves; it routes path-style and presigned S3 requests.
                app = self._tracking(DomainDispatcherApplication(create_backend_app))
                self._server = WerkzeugServerThread(app, self.host, self.requested_port, handler=S3ErrorHandler).start()
        return self

    def _tracking(self, app: Any) -> Any:
        """Wrap moto's app to note the bucket of every write, so reset empties only those."""

        def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
            if environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD"):
                self._dirty.add(self._bucket_of(environ))
            return app(environ, start_response)

        return wsgi

    def _bucket_of(self, environ: dict[str, Any]) -> str:
        host = environ.get("HTTP_HOST", "").rsplit(":", 1)[0]
        label = host.split(".", 1)[0]
        if "." in host and label in self._known:  # virtual-hosted style: bucket.host
            return label
        segment = environ.get("PATH_INFO", "/").lstrip("/").split("/", 1)[0]
        return segment if segment in self._known else "*"

    def stop(self) -> None:
        """Stop serving (moto's data stays in the process)."""
        with self._lock:
            if self._server is not None:
                self._server.stop()
                self._server = None
                self._client = None

    def __enter__(self) -> S3Endpoint:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """Whether the endpoint is serving."""
        return self._server is not None

    @property
    def url(self) -> str:
        """The endpoint URL to give an S3 client (``endpoint_url``); starts the server if needed."""
        return self.start()._server.base_url  # type: ignore[union-attr]

    def info(self) -> dict[str, str]:
        """What a client needs to reach the endpoint (for --info-file and credentials)."""
        return {
            "endpoint_url": self.url,
            "region": REGION,
            "access_key_id": ACCESS_KEY_ID,
            "secret_access_key": SECRET_ACCESS_KEY,
        }

    # -- S3 access for the emulators ---------------------------------------
    @property
    def client(self) -> Any:
        """A boto3 S3 client bound to this endpoint (path-style, fixed demo credentials)."""
        if self._client is None:
            url = self.url
            boto3 = require_extra("s3", "boto3")
            Config = require_extra("s3", "botocore.config").Config  # noqa: N806

            self._client = boto3.client(
                "s3",
                endpoint_url=url,
                region_name=REGION,
                aws_access_key_id=ACCESS_KEY_ID,
                aws_secret_access_key=SECRET_ACCESS_KEY,
                config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
            )
        return self._client

    def ensure_bucket(self, bucket: str) -> None:
        """Create the bucket unless it exists."""
        if bucket in self._known:
            return
        try:
            self.client.head_bucket(Bucket=bucket)
        except self._client_error():
            self.client.create_bucket(Bucket=bucket)
        self._known.add(bucket)
        self._dirty.add(bucket)  # it may hold objects from before this endpoint knew it

    def empty_bucket(self, bucket: str) -> None:
        """Delete every object and abort every unfinished multipart upload (the bucket stays)."""
        if "*" in self._dirty:  # a write we could not attribute: every known bucket may hold it
            self._dirty |= self._known
            self._dirty.discard("*")
        if bucket not in self._dirty:
            return  # nothing was written to it since it was last emptied
        client = self.client
        try:
            uploads = client.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
        except self._client_error():
            self._dirty.discard(bucket)
            return
        for upload in uploads:
            client.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
        keys = [{"Key": item["Key"]} for item in self.iter_objects(bucket)]
        for start in range(0, len(keys), 1000):
            client.delete_objects(Bucket=bucket, Delete={"Objects": keys[start : start + 1000], "Quiet": True})
        # Last: the deletes above went through the endpoint and marked the bucket written.
        self._dirty.discard(bucket)

    def iter_objects(self, bucket: str, prefix: str = "") -> Iterator[dict[str, Any]]:
        """Every object summary (Key, Size, ETag, LastModified) under a prefix."""
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
            yield from page.get("Contents", [])

    def head(self, bucket: str, key: str) -> dict[str, Any] | None:
        """An object's metadata (ContentLength, ETag, ContentType...), or None when it does not exist."""
        try:
            return self.client.head_object(Bucket=bucket, Key=key)
        except self._client_error():
            return None

    def download(self, bucket: str, key: str, path: str) -> int:
        """Stream an object to a local file; its size. Raises S3Error when it cannot be read."""
        try:
            response = self.client.get_object(Bucket=bucket, Key=key)
        except self._client_error() as exc:
            raise S3Error(f"s3://{bucket}/{key}: {exc.response.get('Error', {}).get('Message', exc)}") from None
        size = 0
        body = response["Body"]
        with open(path, "wb") as out:
            for chunk in iter(lambda: body.read(1 << 20), b""):
                out.write(chunk)
                size += len(chunk)
        return size

    def presign(self, method: str, bucket: str, key: str, expires: int = 3600, **params: Any) -> str:
        """A presigned URL for a client operation, e.g. ``presign("upload_part", b, k, UploadId=.., PartNumber=1)``."""
        return self.client.generate_presigned_url(
            method, Params={"Bucket": bucket, "Key": key, **params}, ExpiresIn=expires
        )

    def _client_error(self) -> type[Exception]:
        ClientError = require_extra("s3", "botocore.exceptions").ClientError  # noqa: N806

        return ClientError
