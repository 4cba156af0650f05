"""BlobStore: streamed writes hashed on the way, owned vs fixture files, cleanup."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest

from mockservers.core.blobs import CHUNK, BlobStore
from mockservers.pytest_plugin import check_contracts

SMALL_MOV = Path(__file__).resolve().parents[2] / "fixtures" / "media" / "small.mov"


def _payload(size: int) -> bytes:
    block = hashlib.sha256(b"blob test").digest()
    return (block * (size // len(block) + 1))[:size]


@pytest.fixture
def store():
    store = BlobStore()
    yield store
    store.close()


def test_streamed_put_computes_size_and_md5(store: BlobStore) -> None:
    data = _payload(CHUNK * 2 + 12345)  # several chunks
    info = store.put_stream(io.BytesIO(data))
    assert info.size == len(data)
    assert info.md5 == hashlib.md5(data).hexdigest()
    assert store.get(info.key) == info
    with store.open(info.key) as handle:
        assert handle.read() == data
    assert os.path.dirname(info.path) == store.root


def test_writer_hashes_chunks_as_they_arrive(store: BlobStore) -> None:
    writer = store.writer()
    parts = [b"alpha", b"", b"beta" * 1000, b"gamma"]
    for part in parts:
        assert writer.write(part) == len(part)
    assert writer.tell() == sum(map(len, parts))
    info = writer.commit("my-key")
    assert info.key == "my-key"
    assert info.md5 == hashlib.md5(b"".join(parts)).hexdigest()
    assert Path(info.path).read_bytes() == b"".join(parts)
    assert store.keys() == ["my-key"]


def test_put_bytes_and_generated_keys_are_distinct(store: BlobStore) -> None:
    first = store.put_bytes(b"one")
    second = store.put_bytes(b"two")
    assert first.key != second.key
    assert (first.size, first.md5) == (3, hashlib.md5(b"one").hexdigest())


def test_discarded_writer_leaves_no_file(store: BlobStore) -> None:
    writer = store.writer()
    writer.write(b"partial upload")
    assert os.listdir(store.root) != []
    writer.discard()
    assert os.listdir(store.root) == []
    assert store.keys() == []


def test_failing_stream_leaves_no_file(store: BlobStore) -> None:
    class Broken(io.RawIOBase):
        calls = 0

        def read(self, size: int = -1) -> bytes:
            self.calls += 1
            if self.calls > 1:
                raise OSError("client went away")
            return b"x" * 10

    with pytest.raises(OSError, match="went away"):
        store.put_stream(Broken())
    assert os.listdir(store.root) == []
    assert store.keys() == []


def test_clear_removes_owned_files_but_never_fixture_files(store: BlobStore, tmp_path: Path) -> None:
    fixture = tmp_path / "fixture.bin"
    fixture.write_bytes(b"fixture media")
    registered = store.put_file(fixture, key="fixture:one")
    assert registered.path == str(fixture)
    assert registered.md5 == hashlib.md5(b"fixture media").hexdigest()
    assert registered.size == len(b"fixture media")
    owned = store.put_bytes(b"uploaded")

    store.clear()
    assert store.keys() == []
    assert not Path(owned.path).exists()
    assert fixture.read_bytes() == b"fixture media"


def test_delete_removes_owned_file_only(store: BlobStore, tmp_path: Path) -> None:
    fixture = tmp_path / "f.bin"
    fixture.write_bytes(b"keep me")
    store.put_file(fixture, key="fx")
    owned = store.put_bytes(b"drop me")
    store.delete("fx")
    store.delete(owned.key)
    store.delete("never-existed")  # no error
    assert fixture.exists()
    assert not Path(owned.path).exists()
    assert store.get("fx") is None
    with pytest.raises(KeyError):
        store.open("fx")


def test_close_removes_the_temporary_root(tmp_path: Path) -> None:
    store = BlobStore()
    store.put_bytes(b"data")
    root = store.root
    assert os.path.isdir(root)
    store.close()
    assert not os.path.exists(root)


def test_close_keeps_a_given_root_but_removes_its_blobs(tmp_path: Path) -> None:
    root = tmp_path / "blobs"
    store = BlobStore(root)
    info = store.put_bytes(b"data")
    unrelated = root / "someone-elses.txt"
    unrelated.write_text("not ours")
    store.close()
    assert root.is_dir()
    assert not Path(info.path).exists()
    assert unrelated.exists()


def test_http_upload_is_streamed_into_the_store_with_md5(pixop, pixop_client) -> None:
    video = pixop_client.put("/videos/v1/video", json={"name": "blob test"})
    assert video.status_code == 200
    video_id = video.json()["videoId"]
    data = SMALL_MOV.read_bytes()
    before = set(pixop.blobs.keys())
    response = pixop_client.post(f"/media/v1/upload/{video_id}", files={"file": ("clip.mov", data, "video/quicktime")})
    assert response.status_code == 200, response.text
    new = [pixop.blobs.get(k) for k in set(pixop.blobs.keys()) - before]
    assert len(new) == 1
    assert new[0].size == len(data)
    assert new[0].md5 == hashlib.md5(data).hexdigest()
    assert not any(name.startswith("incoming-") for name in os.listdir(pixop.blobs.root))


def test_rejected_http_upload_leaves_no_partial_files(pixop, pixop_client) -> None:
    video_id = pixop_client.put("/videos/v1/video", json={}).json()["videoId"]
    before = sorted(os.listdir(pixop.blobs.root))
    response = pixop_client.post(
        f"/media/v1/upload/{video_id}",
        files=[("a", ("a.bin", b"a" * 5000, "application/octet-stream")), ("b", ("b.bin", b"b" * 5000, "application/octet-stream"))],
    )
    assert response.status_code == 400
    assert sorted(os.listdir(pixop.blobs.root)) == before


def test_reset_removes_uploaded_blobs_but_keeps_fixture_media(pixop, pixop_client) -> None:
    video_id = pixop_client.put("/videos/v1/video", json={}).json()["videoId"]
    response = pixop_client.post(f"/media/v1/upload/{video_id}", files={"file": ("x.mov", SMALL_MOV.read_bytes(), "video/quicktime")})
    assert response.status_code == 200, response.text
    assert [name for name in os.listdir(pixop.blobs.root) if name.startswith("blob-")] != []
    fixture_paths = [pixop.blobs.get(k).path for k in pixop.blobs if k.startswith("fixture:")]
    assert fixture_paths
    assert check_contracts(pixop) == []  # reset forgets the journal the fixture would check
    pixop.reset()
    assert [name for name in os.listdir(pixop.blobs.root) if name.startswith("blob-")] == []
    assert all(Path(p).exists() for p in fixture_paths)
    assert all(k.startswith("fixture:") for k in pixop.blobs)


def test_a_large_blob_is_hashed_on_a_helper_thread_with_the_same_md5(store: BlobStore) -> None:
    from mockservers.core import blobs

    data = _payload(blobs.PARALLEL_HASH_BYTES * 3 + 777)
    writer = store.writer()
    # Mixed pieces: small ones before the threshold, then large ones, small ones, a bytearray, a memoryview.
    pieces = [data[:10], data[10:5000]]
    offset = 5000
    while offset < len(data):
        step = 300_000 if (offset // 300_000) % 3 else 1000
        pieces.append(data[offset : offset + step])
        offset += step
    pieces[-2] = bytearray(pieces[-2])
    pieces[-1] = memoryview(bytes(pieces[-1]))
    for piece in pieces:
        assert writer.write(piece) == len(piece)
    assert writer._hasher is not None  # the threshold was crossed: the thread did the hashing
    info = writer.commit()
    assert (info.size, info.md5) == (len(data), hashlib.md5(data).hexdigest())
    assert Path(info.path).read_bytes() == data


def test_a_writer_dropped_without_close_ends_its_hashing_thread(store: BlobStore) -> None:
    from mockservers.core import blobs

    writer = store.writer()
    writer.write(_payload(blobs.PARALLEL_HASH_BYTES + blobs.PARALLEL_HASH_CHUNK))
    hasher = writer._hasher
    assert hasher is not None and hasher.is_alive()
    path = writer.path
    del writer
    hasher.join(timeout=30)
    assert not hasher.is_alive()
    os.unlink(path)


def test_a_discarded_large_writer_leaves_no_file_and_no_thread(store: BlobStore) -> None:
    from mockservers.core import blobs

    writer = store.writer()
    writer.write(_payload(blobs.PARALLEL_HASH_BYTES * 2))
    hasher = writer._hasher
    writer.discard()
    assert hasher is not None and not hasher.is_alive()
    assert os.listdir(store.root) == []
