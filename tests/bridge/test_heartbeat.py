"""The bridge's heartbeat to Odoo, on the wire against a JSON-RPC peer on 127.0.0.1."""

from __future__ import annotations

import logging
import socket
from pathlib import Path

from conftest import FakeOdoo, bridge_settings, new_event, start_bridge, wait_for
from logistics_bridge import __version__
from logistics_bridge.heartbeat import HeartbeatReporter
from logistics_bridge.odoo_client import OdooClient
from logistics_bridge.routing import RouteTable
from logistics_bridge.store import open_inbox


def test_serve_reports_heartbeats_with_inbox_state(tmp_path: Path, fake_odoo: FakeOdoo) -> None:
    settings = bridge_settings(
        tmp_path, fake_odoo.url, heartbeat_seconds=0.2, bridge_id="bridge-test-1"
    )
    running = start_bridge(settings)
    try:
        running.service.inbox.add([new_event("evt-hb-1")])
        wait_for(lambda: len(fake_odoo.heartbeats) >= 2)
    finally:
        running.service.shutdown()
    call = next(c for c in fake_odoo.calls if c["service"] == "object")
    assert call["method"] == "execute_kw"
    assert call["args"][:5] == [
        "test",
        2,
        "k",
        "logistics.bridge.instance",
        "report_heartbeat",
    ]
    last = fake_odoo.heartbeats[-1]
    assert last["bridge_id"] == "bridge-test-1"
    assert last["host"] == socket.gethostname()
    assert last["version"] == __version__
    assert last["endpoints"] == ["acme", "other"]
    assert last["interval_seconds"] == 0.2
    assert last["counts"]["pending"] == 1
    assert last["oldest_pending_age_seconds"] >= 0
    assert last["last_odoo_error"] is None
    assert last["registry_version"] is None  # the TOML bootstrap: no registry loaded


def test_default_bridge_id_is_host_and_port(tmp_path: Path, fake_odoo: FakeOdoo) -> None:
    running = start_bridge(bridge_settings(tmp_path, fake_odoo.url, heartbeat_seconds=60))
    try:
        wait_for(lambda: fake_odoo.heartbeats)
    finally:
        running.service.shutdown()
    port = running.service.server.port
    assert fake_odoo.heartbeats[0]["bridge_id"] == f"{socket.gethostname()}:{port}"


def test_two_bridges_report_under_their_own_ids(tmp_path: Path, fake_odoo: FakeOdoo) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    first, second = (
        start_bridge(
            bridge_settings(tmp_path / name, fake_odoo.url, heartbeat_seconds=60, bridge_id=name)
        )
        for name in ("a", "b")
    )
    try:
        wait_for(lambda: {h["bridge_id"] for h in fake_odoo.heartbeats} == {"a", "b"})
    finally:
        first.service.shutdown()
        second.service.shutdown()


def test_no_heartbeat_when_disabled(tmp_path: Path, fake_odoo: FakeOdoo) -> None:
    running = start_bridge(bridge_settings(tmp_path, fake_odoo.url, heartbeat_seconds=0))
    running.service.shutdown()
    assert running.service.heartbeat is None
    assert fake_odoo.heartbeats == []


def test_unreachable_odoo_is_logged_once_per_outage(
    tmp_path: Path, fake_odoo: FakeOdoo, caplog
) -> None:
    settings = bridge_settings(tmp_path, fake_odoo.url)
    inbox = open_inbox(settings.inbox_url)
    client = OdooClient(settings.odoo)
    reporter = HeartbeatReporter(
        inbox,
        client,
        bridge_id="b",
        table=lambda: RouteTable({}, {}, None, "bootstrap"),
        interval_seconds=30,
    )
    try:
        fake_odoo.fail_with_status = 502
        with caplog.at_level(logging.DEBUG, logger="logistics_bridge.heartbeat"):
            assert reporter.send_once() is False
            assert reporter.send_once() is False
            fake_odoo.fail_with_status = None
            assert reporter.send_once() is True
    finally:
        client.close()
        inbox.close()
    levels = [r.levelname for r in caplog.records if "heartbeat" in r.getMessage()]
    assert levels == ["WARNING", "DEBUG", "INFO"]
    assert "HTTP 502" in caplog.records[0].getMessage()
    assert fake_odoo.heartbeats[-1]["bridge_id"] == "b"
