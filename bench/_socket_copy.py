"""The upload baseline: a plain socket server writing each request's received body bytes to a file.

    python bench/_socket_copy.py DIR     # prints the port, serves until killed

No HTTP library: it reads the request head, then copies the body from the
socket to DIR/upload-N.bin with ``recv_into`` a 1 MiB buffer (the emulator's
server reads 1 MiB at a time too), as it arrives: exactly Content-Length bytes,
or, for a chunked body, the raw bytes (framing included) up to the last chunk.
Then it answers 200. It is what any upload costs at least: the socket and the
file write, nothing parsed, hashed or probed.
"""

from __future__ import annotations

import os
import socket
import sys
import threading

BUFFER = 1 << 20
LAST_CHUNK = b"0\r\n\r\n"


def _serve(connection: socket.socket, path: str) -> None:
    with connection:
        buffer = bytearray(BUFFER)
        view = memoryview(buffer)
        head = b""
        while b"\r\n\r\n" not in head:
            data = connection.recv(65536)
            if not data:
                return
            head += data
        head, rest = head.split(b"\r\n\r\n", 1)
        fields = {}
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            fields[name.strip().lower()] = value.strip()
        chunked = b"chunked" in fields.get(b"transfer-encoding", b"").lower()
        remaining = None if chunked else int(fields.get(b"content-length", b"0"))
        with open(path, "wb", buffering=0) as out:
            out.write(rest)
            tail = rest[-len(LAST_CHUNK):]
            if remaining is not None:
                remaining -= len(rest)
            while remaining is None or remaining > 0:
                if chunked and tail.endswith(LAST_CHUNK):
                    break
                count = connection.recv_into(view, BUFFER if remaining is None else min(BUFFER, remaining))
                if not count:
                    break
                out.write(view[:count])
                if remaining is not None:
                    remaining -= count
                else:
                    tail = (tail + bytes(view[max(0, count - len(LAST_CHUNK)):count]))[-len(LAST_CHUNK):]
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nok")


def main() -> None:
    folder = sys.argv[1]
    listener = socket.create_server(("127.0.0.1", 0))
    print(listener.getsockname()[1], flush=True)
    count = 0
    while True:
        connection, _ = listener.accept()
        count += 1
        path = os.path.join(folder, f"upload-{count}.bin")
        threading.Thread(target=_serve, args=(connection, path), daemon=True).start()


if __name__ == "__main__":
    main()
