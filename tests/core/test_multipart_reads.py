"""Multipart bodies are parsed in large reads, within werkzeug's form memory limit, into the blob store."""

from __future__ import annotations

import hashlib
import io
from types import SimpleNamespace

import pytest
from werkzeug.test import EnvironBuilder

from mockservers.core.app import MULTIPART_READ_BYTES, StreamingRequest, _read_size
from mockservers.core.blobs import BlobStore


def test_read_size_stays_within_half_the_form_memory_limit() -> None:
    assert _read_size(None) == MULTIPART_READ_BYTES
    assert _read_size(500_000) == 250_000 < MULTIPART_READ_BYTES
    assert _read_size(10 * MULTIPART_READ_BYTES) == MULTIPART_READ_BYTES
    assert _read_size(100_000) == 64 * 1024  # never below werkzeug's own read size


@pytest.fixture
def store():
    store = BlobStore()
    yield store
    store.close()


def test_a_large_field_and_a_large_file_parse_with_the_default_limit(store: BlobStore) -> None:
    field = "f" * 400_000  # under Flask's 500 kB form memory limit, larger than one read
    data = hashlib.sha256(b"x").digest() * (3 * 1024 * 1024 // 32 + 5)
    environ = EnvironBuilder(method="POST", data={"info": field, "file": (io.BytesIO(data), "big.bin")}).get_environ()
    environ["mockservers.emulator"] = SimpleNamespace(blobs=store)
    request = StreamingRequest(environ)
    request.max_form_memory_size = 500_000
    assert request.form["info"] == field
    blob = request.files["file"].stream.commit()
    assert (blob.size, blob.md5) == (len(data), hashlib.md5(data).hexdigest())


def test_a_field_over_the_form_memory_limit_is_still_refused(store: BlobStore) -> None:
    from werkzeug.exceptions import RequestEntityTooLarge

    environ = EnvironBuilder(method="POST", data={"info": "g" * 600_000, "file": (io.BytesIO(b"tiny"), "t.bin")}).get_environ()
    environ["mockservers.emulator"] = SimpleNamespace(blobs=store)
    request = StreamingRequest(environ)
    request.max_form_memory_size = 500_000
    with pytest.raises(RequestEntityTooLarge):
        request.form  # noqa: B018
