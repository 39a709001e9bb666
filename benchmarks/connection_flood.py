"""How long a signed request waits while the bridge holds a flood of slow connections.

Starts ``logistics-bridge serve --no-forward`` in its own process on a free loopback port
(fresh SQLite inbox in a temporary directory), opens ``--idle`` connections that send
nothing and ``--half-sent`` connections that stop in the middle of a request body, then
times Standard Webhooks-signed POSTs on new connections. Prints the delay of each, and how
the flood was answered: connections beyond ``max_connections`` get a 503 at once.

Needs only this repository's bridge package (no Odoo, no PostgreSQL), and a descriptor
limit above the number of connections (``ulimit -n``).

Usage: python3 benchmarks/connection_flood.py [--idle 800] [--half-sent 200] [--probes 5]
       [--max-connections N]   (default: room for all; lower it to see the 503s)
"""

from __future__ import annotations

import argparse
import base64
import json
import socket
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bridge"))

from logistics_bridge.server import LISTENING_LINE  # noqa: E402
from logistics_demo.processes import ManagedProcess, interrupt_on_sigterm  # noqa: E402
from standardwebhooks.webhooks import Webhook  # noqa: E402

SECRET = "whsec_" + base64.b64encode(b"connection-flood-secret-01").decode()
HALF_SENT = (
    b"POST /v1/in/acme HTTP/1.1\r\nHost: bridge\r\nContent-Type: application/json\r\n"
    b'Content-Length: 4096\r\n\r\n{"event_id":'
)


def signed_post(event_id: str) -> bytes:
    body = json.dumps(
        {
            "event_id": event_id,
            "event_type": "status",
            "shipment_reference": "SHP-FLOOD",
            "occurred_at": "2026-05-01T10:00:00+02:00",
            "payload": {"status": "in_transit"},
        }
    )
    moment = time.time()
    signature = Webhook(SECRET).sign(event_id, datetime.fromtimestamp(moment, UTC), body)
    head = (
        "POST /v1/in/acme HTTP/1.1\r\nHost: bridge\r\nContent-Type: application/json\r\n"
        f"webhook-id: {event_id}\r\nwebhook-timestamp: {int(moment)}\r\n"
        f"webhook-signature: {signature}\r\nContent-Length: {len(body.encode())}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode() + body.encode()


def probe(port: int, event_id: str) -> tuple[str, float]:
    """The status line of one signed POST on a new connection, and the seconds it took."""
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=150) as sock:
        sock.sendall(signed_post(event_id))
        answer = b""
        while b"\r\n" not in answer and (chunk := sock.recv(4096)):
            answer += chunk
    return answer.split(b"\r\n", 1)[0].decode(errors="replace"), time.perf_counter() - started


def flood(port: int, idle: int, half_sent: int) -> tuple[list[socket.socket], int]:
    """The connections opened, and how many were answered 503 at once."""
    sockets: list[socket.socket] = []
    for index in range(idle + half_sent):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        if index >= idle:
            sock.sendall(HALF_SENT)
        sockets.append(sock)
    time.sleep(0.5)
    refused = 0
    for sock in sockets:
        sock.setblocking(False)
        try:
            refused += sock.recv(64).startswith(b"HTTP/1.1 503")
        except BlockingIOError:
            pass
        except OSError:
            refused += 1
    return sockets, refused


def run(workdir: Path, idle: int, half_sent: int, probes: int, max_connections: int) -> int:
    env = {
        "PYTHONPATH": str(ROOT / "bridge"),
        "LOGISTICS_BRIDGE_INBOX_URL": f"sqlite:///{workdir}/inbox.sqlite3",
        "LOGISTICS_BRIDGE_LISTEN_HOST": "127.0.0.1",
        "LOGISTICS_BRIDGE_LISTEN_PORT": "0",
        "LOGISTICS_BRIDGE_MAX_CONNECTIONS": str(max_connections),
        "LOGISTICS_BRIDGE_ENDPOINTS": json.dumps({"acme": [SECRET]}),
    }
    command = [sys.executable, "-m", "logistics_bridge", "serve", "--no-forward"]
    process = ManagedProcess("bridge", command, workdir / "serve.log", env)
    process.start()
    sockets: list[socket.socket] = []
    try:
        port = int(process.wait_output(LISTENING_LINE, 30).group(1))
        status, baseline = probe(port, "flood-baseline")
        print(f"before the flood: {status} in {baseline * 1000:.1f} ms")
        sockets, refused = flood(port, idle, half_sent)
        print(
            f"flood: {idle} idle + {half_sent} half-sent connections,"
            f" {refused} answered 503 at once (max_connections {max_connections})"
        )
        delays = []
        for number in range(probes):
            status, seconds = probe(port, f"flood-probe-{number}")
            delays.append(seconds)
            print(f"signed POST {number + 1}: {status} in {seconds * 1000:.1f} ms")
        print(f"delay during the flood: max {max(delays) * 1000:.1f} ms")
    finally:
        for sock in sockets:
            sock.close()
        process.stop(30)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--idle", type=int, default=800)
    parser.add_argument("--half-sent", type=int, default=200)
    parser.add_argument("--probes", type=int, default=5)
    parser.add_argument(
        "--max-connections",
        type=int,
        help="the bridge's max_connections; default: room for the flood and the probes",
    )
    arguments = parser.parse_args()
    interrupt_on_sigterm()
    limit = arguments.max_connections or arguments.idle + arguments.half_sent + arguments.probes
    with tempfile.TemporaryDirectory(prefix="lgx-flood-") as workdir:
        return run(Path(workdir), arguments.idle, arguments.half_sent, arguments.probes, limit)


if __name__ == "__main__":
    sys.exit(main())
