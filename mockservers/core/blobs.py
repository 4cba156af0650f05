"""On-disk blob store: streamed writes with size and md5 computed on the way."""

from __future__ import annotations

import hashlib
import os
import queue
import shutil
import tempfile
import threading
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO

CHUNK = 1024 * 1024
# A blob growing past this many bytes is hashed on a helper thread (see _Hasher), chunks
# of at least PARALLEL_HASH_CHUNK bytes only (smaller ones cost more to hand over than to hash).
PARALLEL_HASH_BYTES = 4 * 1024 * 1024
PARALLEL_HASH_CHUNK = 16 * 1024
HASH_QUEUE_CHUNKS = 8


@dataclass(frozen=True)
class BlobInfo:
    """A stored blob: its key, size in bytes and md5 hex digest."""

    key: str
    size: int
    md5: str
    path: str


class _Hasher(threading.Thread):
    """MD5 of the bytes handed to it, on its own thread.

    ``hashlib`` releases the GIL while it hashes, so a large upload is hashed on
    one core while the request thread parses and writes on another. The queue is
    bounded (a few chunks), so a slow hash slows the writer instead of holding
    the upload in memory.
    """

    def __init__(self, md5: Any) -> None:
        super().__init__(name="mockservers-blob-md5", daemon=True)
        self.md5 = md5
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=HASH_QUEUE_CHUNKS)

    def run(self) -> None:
        update, get = self.md5.update, self._queue.get
        while (data := get()) is not None:
            update(data)

    def put(self, data: bytes) -> None:
        self._queue.put(data)

    def stop(self) -> None:
        """End the thread once it has hashed what it has (a writer dropped without close)."""
        self._queue.put(None)

    def finish(self) -> None:
        self.stop()
        self.join()


class BlobWriter:
    """A writable file that hashes and counts as bytes arrive.

    Werkzeug's multipart parser writes uploaded file parts into this object
    directly, so an upload goes from the socket to disk without being held
    whole in memory or copied twice. Past :data:`PARALLEL_HASH_BYTES` the md5
    is computed on a helper thread while the writes go on.
    """

    def __init__(self, store: BlobStore) -> None:
        self._store = store
        fd, self.path = tempfile.mkstemp(prefix="incoming-", dir=store.root)
        # Unbuffered: the parser hands over large chunks, each goes to the kernel as it is.
        self._file: BinaryIO = os.fdopen(fd, "wb", buffering=0)
        self._md5 = hashlib.md5(usedforsecurity=False)
        self._hasher: _Hasher | None = None
        self.size = 0
        self.closed = False
        self.committed = False

    def write(self, data: bytes | bytearray | memoryview) -> int:
        """Append bytes."""
        if data.__class__ is not bytes:
            data = bytes(data)  # hashed later on another thread: must not change under it
        view = memoryview(data)
        while view:  # an unbuffered file may take less than all of it
            view = view[self._file.write(view) or 0 :]
        if self._hasher is not None:
            self._hasher.put(data)
        elif self.size + len(data) > PARALLEL_HASH_BYTES and len(data) >= PARALLEL_HASH_CHUNK:
            self._hasher = _Hasher(self._md5)
            self._hasher.start()
            self._hasher.put(data)
            # A writer dropped without close() must not leave the thread waiting forever.
            self._stop_hasher = weakref.finalize(self, self._hasher.stop)
        else:
            self._md5.update(data)
        self.size += len(data)
        return len(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        """Werkzeug rewinds file parts after writing; reading back is not needed here."""
        return 0

    def tell(self) -> int:
        """Bytes written so far."""
        return self.size

    def read(self, size: int = -1) -> bytes:
        """Blob writers are write-only until committed."""
        return b""

    def flush(self) -> None:
        """Flush to disk."""
        self._file.flush()

    def close(self) -> None:
        """Close the file (keeps it until commit or discard)."""
        if not self._file.closed:
            self._file.close()
        self._finish_hash()
        self.closed = True

    def _finish_hash(self) -> None:
        hasher, self._hasher = self._hasher, None
        if hasher is not None:
            self._stop_hasher.detach()
            hasher.finish()

    def commit(self, key: str | None = None) -> BlobInfo:
        """Close and register as a blob; returns its info."""
        self.close()
        self.committed = True
        return self._store.adopt(self.path, self.size, self._md5.hexdigest(), key)

    def discard(self) -> None:
        """Close and delete the partial file."""
        self.close()
        Path(self.path).unlink(missing_ok=True)


class BlobStore:
    """Blobs as files in one directory (a temporary one by default)."""

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        self._owns_root = root is None
        self.root = str(root) if root is not None else tempfile.mkdtemp(prefix="mockservers-blobs-")
        os.makedirs(self.root, exist_ok=True)
        self._lock = threading.Lock()
        self._blobs: dict[str, BlobInfo] = {}
        self._counter = 0

    def writer(self) -> BlobWriter:
        """A streaming writer; call ``commit()`` when the upload is complete."""
        return BlobWriter(self)

    def put_stream(self, stream: IO[bytes], key: str | None = None) -> BlobInfo:
        """Copy a readable stream into a new blob, chunk by chunk."""
        writer = self.writer()
        try:
            while chunk := stream.read(CHUNK):
                writer.write(chunk)
        except BaseException:
            writer.discard()
            raise
        return writer.commit(key)

    def put_bytes(self, data: bytes, key: str | None = None) -> BlobInfo:
        """Store a small bytes value."""
        writer = self.writer()
        writer.write(data)
        return writer.commit(key)

    def put_file(self, source: str | os.PathLike[str], key: str | None = None) -> BlobInfo:
        """Register a read-only external file (e.g. a fixture) without copying it."""
        md5 = hashlib.md5(usedforsecurity=False)
        size = 0
        with open(source, "rb") as handle:
            while chunk := handle.read(CHUNK):
                md5.update(chunk)
                size += len(chunk)
        info = BlobInfo(key or self._new_key(), size, md5.hexdigest(), str(source))
        with self._lock:
            self._blobs[info.key] = info
        return info

    def adopt(self, path: str, size: int, md5: str, key: str | None = None) -> BlobInfo:
        """Register a finished file written inside the store's root."""
        key = key or self._new_key()
        final = os.path.join(self.root, f"blob-{key}")
        os.replace(path, final)
        info = BlobInfo(key, size, md5, final)
        with self._lock:
            self._blobs[key] = info
        return info

    def get(self, key: str) -> BlobInfo | None:
        """Info for ``key`` or None."""
        with self._lock:
            return self._blobs.get(key)

    def open(self, key: str) -> BinaryIO:
        """Open a blob for reading."""
        info = self.get(key)
        if info is None:
            raise KeyError(key)
        return open(info.path, "rb")

    def delete(self, key: str) -> None:
        """Forget a blob and remove its file if the store owns it."""
        with self._lock:
            info = self._blobs.pop(key, None)
        if info is not None and self._is_owned(info.path):
            Path(info.path).unlink(missing_ok=True)

    def clear(self) -> None:
        """Forget every blob and remove the files the store wrote."""
        with self._lock:
            blobs = list(self._blobs.values())
            self._blobs.clear()
        for info in blobs:
            if self._is_owned(info.path):
                Path(info.path).unlink(missing_ok=True)

    def keys(self) -> list[str]:
        """Keys currently stored."""
        with self._lock:
            return list(self._blobs)

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def close(self) -> None:
        """Remove everything, including a temporary root."""
        self.clear()
        if self._owns_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def _is_owned(self, path: str) -> bool:
        return os.path.dirname(os.path.abspath(path)) == os.path.abspath(self.root)

    def _new_key(self) -> str:
        with self._lock:
            self._counter += 1
            return f"b{self._counter:08d}"
