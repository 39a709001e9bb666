"""The event-loop prototype (benchmarks/event_loop_bridge.py) accepts with the bridge's own
steps: a Standard Webhooks tms-event and an HMAC-signed X12 214 get the answers ``serve``
gives (202 then 200 duplicate, the 997), a bad signature its 401, and all is committed."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from conftest import BRIDGE_SRC, SECRET_A, make_event, signed_headers
from logistics_bridge.server import LISTENING_LINE
from logistics_bridge.store import SqliteInbox
from logistics_contract.x12 import parse_interchange

pytest.importorskip("uvicorn", reason="the prototype needs uvicorn")
pytest.importorskip("httptools", reason="the prototype needs httptools")

PROTOTYPE = BRIDGE_SRC.parent / "benchmarks" / "event_loop_bridge.py"
EDI = (Path(__file__).parent / "fixtures" / "x12_214_two_shipments.edi").read_text()
EDI_SECRET = "edi-partner-secret"
ENDPOINTS = {
    "acme": [SECRET_A],
    "carrier": {
        "format": "x12-214",
        "auth": {"scheme": "hmac", "header": "X-Signature", "secrets": [EDI_SECRET]},
    },
}


@pytest.fixture
def prototype(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    inbox = tmp_path / "inbox.sqlite3"
    log = tmp_path / "prototype.log"
    env = dict(
        os.environ,
        PYTHONPATH=str(BRIDGE_SRC),
        LOGISTICS_BRIDGE_INBOX_URL=f"sqlite:///{inbox}",
        LOGISTICS_BRIDGE_LISTEN_HOST="127.0.0.1",
        LOGISTICS_BRIDGE_LISTEN_PORT="0",
        LOGISTICS_BRIDGE_ENDPOINTS=json.dumps(ENDPOINTS),
    )
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, str(PROTOTYPE)], env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 30
        while not (match := LISTENING_LINE.search(log.read_text())):
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        yield f"http://127.0.0.1:{match.group(1)}/v1/tms", inbox
    finally:
        process.terminate()
        process.wait(30)


def test_tms_event_is_committed_then_a_duplicate(prototype):
    base, inbox = prototype
    body = json.dumps(make_event("evt-1"))
    headers = {**signed_headers(body), "Content-Type": "application/json"}
    first = requests.post(f"{base}/acme/events", data=body, headers=headers, timeout=10)
    again = requests.post(f"{base}/acme/events", data=body, headers=headers, timeout=10)
    assert (first.status_code, first.json()["status"]) == (202, "accepted")
    assert (again.status_code, again.json()["status"]) == (200, "duplicate")
    forged = {**headers, "webhook-signature": "v1,AAAA"}
    refused = requests.post(f"{base}/acme/events", data=body, headers=forged, timeout=10)
    assert refused.status_code == 401 and "error" in refused.json()
    store = SqliteInbox(inbox)
    try:
        assert [event.event_id for event in store.list_events()] == ["evt-1"]
    finally:
        store.close()


def test_x12_214_is_committed_and_answered_with_a_997(prototype):
    base, inbox = prototype
    body = EDI.encode()
    signature = hmac.new(EDI_SECRET.encode(), body, hashlib.sha256).hexdigest()
    headers = {"Content-Type": "application/edi-x12", "X-Signature": signature}
    answer = requests.post(f"{base}/carrier/events", data=body, headers=headers, timeout=10)
    assert answer.status_code == 202, answer.text
    assert answer.headers["Content-Type"] == "application/edi-x12"
    (group,) = parse_interchange(answer.content).groups
    assert group.functional_id == "FA"
    store = SqliteInbox(inbox)
    try:
        assert store.counts()["pending"] == 2
    finally:
        store.close()
