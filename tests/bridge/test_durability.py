"""Crash test: ``kill -9`` the bridge mid-stream; every acknowledged event still reaches Odoo."""

from __future__ import annotations

import json
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import requests
from conftest import BRIDGE_SRC, SECRET_A, make_event, signed_headers
from logistics_bridge.server import LISTENING_LINE
from logistics_demo.processes import ManagedProcess, ProcessFailed


def start_serve(
    tmp_path: Path, odoo_url: str | None, log_name: str, endpoints: dict | None = None
) -> tuple[ManagedProcess, str]:
    """``logistics-bridge serve`` in its own process; without ``odoo_url``, ``--no-forward``;
    ``endpoints`` beside the default ``acme``."""
    env = {
        "PYTHONPATH": str(BRIDGE_SRC),
        "LOGISTICS_BRIDGE_INBOX_URL": f"sqlite:///{tmp_path}/inbox.sqlite3",
        "LOGISTICS_BRIDGE_LISTEN_HOST": "127.0.0.1",
        "LOGISTICS_BRIDGE_LISTEN_PORT": "0",
        "LOGISTICS_BRIDGE_ENDPOINTS": json.dumps({"acme": [SECRET_A], **(endpoints or {})}),
        "LOGISTICS_BRIDGE_FORWARD__MAX_WAIT_SECONDS": "0.05",
        "LOGISTICS_BRIDGE_FORWARD__BATCH_SIZE": "20",
    }
    command = [sys.executable, "-m", "logistics_bridge", "serve"]
    if odoo_url:
        env.update(
            {
                "LOGISTICS_BRIDGE_ODOO__URL": odoo_url,
                "LOGISTICS_BRIDGE_ODOO__DB": "db",
                "LOGISTICS_BRIDGE_ODOO__LOGIN": "bridge",
                "LOGISTICS_BRIDGE_ODOO__API_KEY": "key",
            }
        )
    else:
        command.append("--no-forward")
    process = ManagedProcess("bridge", command, tmp_path / log_name, env)
    process.start()
    try:
        port = process.wait_output(LISTENING_LINE, 30).group(1)
    except ProcessFailed:
        process.kill()
        raise
    return process, f"http://127.0.0.1:{port}"


def send(url: str, event: dict, session: requests.Session) -> int | None:
    body = json.dumps(event)
    try:
        answer = session.post(
            f"{url}/v1/tms/acme/events",
            data=body,
            headers=signed_headers(body, msg_id=f"msg-{event['event_id']}"),
            timeout=5,
        )
    except requests.RequestException:
        return None
    return answer.status_code


def test_kill_9_mid_stream_loses_no_acknowledged_event(tmp_path, fake_odoo):
    events = [make_event(f"evt-{n:04d}", shipment=f"SHP-{n % 7}") for n in range(600)]
    acked: set[str] = set()
    lock = threading.Lock()
    process, url = start_serve(tmp_path, fake_odoo.url, "first.log")
    kill_after = 200

    def client(part: list[dict]) -> None:
        with requests.Session() as session:
            for event in part:
                if send(url, event, session) in (200, 202):
                    with lock:
                        acked.add(event["event_id"])

    threads = [threading.Thread(target=client, args=(events[i::3],)) for i in range(3)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with lock:
            if len(acked) >= kill_after:
                break
        time.sleep(0.005)
    process.kill()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads)
    first_run_acked = set(acked)
    assert kill_after <= len(first_run_acked) < len(events)

    # Restart on the same inbox; the TMS redelivers everything it has no 2xx for, and
    # (as TMSs do) a few acknowledged ones too.
    process, url = start_serve(tmp_path, fake_odoo.url, "second.log")
    try:
        with requests.Session() as session:
            redeliver = [e for e in events if e["event_id"] not in first_run_acked]
            redeliver += events[:20]
            for event in redeliver:
                assert send(url, event, session) in (200, 202)
                acked.add(event["event_id"])
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with fake_odoo.lock:
                done = {event_id for (_, event_id) in fake_odoo.processed}
            if acked <= done:
                break
            time.sleep(0.1)
        assert process.stop(30) == 0
    finally:
        process.kill()
    with fake_odoo.lock:
        processed = Counter(event_id for (_, event_id) in fake_odoo.processed)
    assert first_run_acked <= set(processed)
    assert set(processed) == {event["event_id"] for event in events}
    assert max(processed.values()) == 1  # exactly once in effect
