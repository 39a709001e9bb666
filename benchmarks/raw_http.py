"""Raw HTTP over a loopback socket: a request sent exactly as written, so that malformed
HTTP reaches the server unchanged, for the benchmarks and the bridge tests."""

from __future__ import annotations

import contextlib
import socket


def raw_exchange(port: int, request: bytes, timeout: float = 5.0) -> bytes:
    """Send ``request`` as is on a new connection to 127.0.0.1:``port``; everything read
    until the server closes, resets the connection or stays silent for ``timeout``."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
        # The server may answer and close before reading everything.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            conn.sendall(request)
        received = b""
        while True:
            try:
                chunk = conn.recv(65536)
            except (TimeoutError, ConnectionResetError):
                break
            if not chunk:
                break
            received += chunk
    return received
