"""Endpoints from Odoo's registry: followed live, validated, cached on disk, exported.

Odoo is the loopback JSON-RPC stand-in of conftest, serving the registry document a test
sets in ``fake_odoo.registry``.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import (
    SECRET_A,
    SECRET_B,
    FakeOdoo,
    RunningBridge,
    bridge_settings,
    make_event,
    signed_headers,
    start_bridge,
    wait_for,
)
from logistics_bridge import registry as registry_module
from logistics_bridge.cli import main
from logistics_bridge.registry import RegistryCache, RegistryFollower
from logistics_contract.registry import Registry

POLL_SECONDS = 1.0


def tms_endpoint(*secrets: str) -> dict[str, Any]:
    """A registry entry as Odoo serves it: tms-event envelopes signed with Standard Webhooks."""
    return {
        "format": "tms-event",
        "event_id_path": None,
        "shipment_key_path": None,
        "split_path": None,
        "auth": [
            {
                "scheme": "standard-webhooks",
                "secrets": [{"value": secret, "expires_at": None} for secret in secrets],
            }
        ],
    }


def document(version: int, **endpoints: dict[str, Any]) -> dict[str, Any]:
    """A registry document as Odoo serves it."""
    return {
        "version": version,
        "generated_at": "2026-12-06T21:00:00+00:00",
        "database": "5f0c6d5e-registry-test",
        "endpoints": endpoints,
    }


def post(bridge: RunningBridge, endpoint: str, secret: str) -> int:
    """POST one signed event to ``/v1/in/<endpoint>``; the answer's status code."""
    body = json.dumps(make_event())
    headers = {**signed_headers(body, secret), "Content-Type": "application/json"}
    return requests.post(
        bridge.events_url(endpoint), data=body, headers=headers, timeout=10
    ).status_code


def following(tmp_path: Path, odoo: FakeOdoo, **overrides: Any) -> RunningBridge:
    """A started bridge following ``odoo``'s registry every POLL_SECONDS."""
    settings = bridge_settings(
        tmp_path, odoo.url, registry={"enabled": True, "poll_seconds": POLL_SECONDS}, **overrides
    )
    return start_bridge(settings)


def by_hand(running: RunningBridge) -> RegistryFollower:
    """The bridge's follower with its thread stopped: the test polls, nothing races it."""
    follower = running.service.registry
    assert follower is not None
    follower.stop()
    return follower


@pytest.fixture
def followed(tmp_path: Path, fake_odoo: FakeOdoo) -> Iterator[RunningBridge]:
    """A bridge running registry version 1 from Odoo: acme with SECRET_A and SECRET_B."""
    fake_odoo.registry = document(1, acme=tms_endpoint(SECRET_A, SECRET_B))
    running = following(tmp_path, fake_odoo)
    wait_for(lambda: running.service.app.table.version == 1)
    yield running
    running.service.shutdown()


def test_a_change_in_odoo_is_live_within_one_poll(followed, fake_odoo) -> None:
    assert post(followed, "fresh", SECRET_A) == 404
    fake_odoo.registry = document(2, acme=tms_endpoint(SECRET_A), fresh=tms_endpoint(SECRET_A))
    changed_at = time.monotonic()
    wait_for(lambda: post(followed, "fresh", SECRET_A) == 202, timeout=POLL_SECONDS + 1)
    assert time.monotonic() - changed_at <= POLL_SECONDS + 1
    assert followed.service.app.table.version == 2
    assert followed.service.app.table.source == "odoo"


def test_a_secret_removed_in_odoo_is_refused_after_the_swap(followed, fake_odoo, caplog) -> None:
    assert post(followed, "acme", SECRET_B) == 202
    with caplog.at_level(logging.INFO, logger="logistics_bridge.registry"):
        fake_odoo.registry = document(2, acme=tms_endpoint(SECRET_A))
        wait_for(lambda: followed.service.app.table.version == 2, timeout=POLL_SECONDS + 1)
    assert post(followed, "acme", SECRET_B) == 401
    assert post(followed, "acme", SECRET_A) == 202
    change = next(r.getMessage() for r in caplog.records if "version 2 from odoo" in r.getMessage())
    assert "added: none; removed: none; changed: acme" in change
    assert SECRET_A not in caplog.text and SECRET_B not in caplog.text


def test_a_secret_expired_in_the_registry_is_not_used(followed, fake_odoo) -> None:
    follower = by_hand(followed)
    entry = tms_endpoint(SECRET_A, SECRET_B)
    entry["auth"][0]["secrets"][1]["expires_at"] = "2020-01-01T00:00:00+00:00"
    fake_odoo.registry = document(2, acme=entry)
    assert follower.poll_once() is True
    assert post(followed, "acme", SECRET_B) == 401
    assert post(followed, "acme", SECRET_A) == 202


def test_the_cache_serves_while_odoo_is_down_at_start(tmp_path, fake_odoo, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="logistics_bridge.registry")
    fake_odoo.registry = document(4, cached=tms_endpoint(SECRET_B))
    first = following(tmp_path, fake_odoo)
    wait_for(lambda: first.service.app.table.version == 4)
    first.service.shutdown()
    cache = tmp_path / "registry.json"
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    assert Registry.model_validate_json(cache.read_text()) == Registry.model_validate(
        fake_odoo.registry
    )

    fake_odoo.fail_with_status = 502
    second = following(tmp_path, fake_odoo)
    try:
        table = second.service.app.table
        assert (table.version, table.source) == (4, "cache")
        assert post(second, "cached", SECRET_B) == 202
        assert post(second, "acme", SECRET_A) == 404  # the TOML bootstrap is not in force
        time.sleep(2 * POLL_SECONDS + 0.2)  # polls fail: the cache stays in force
        assert second.service.app.table.source == "cache"
        fake_odoo.fail_with_status = None
        wait_for(lambda: second.service.app.table.source == "odoo", timeout=POLL_SECONDS + 1)
    finally:
        second.service.shutdown()
    assert second.service.app.table.version == 4
    outage = [r.levelname for r in caplog.records if "not read from Odoo" in r.getMessage()]
    assert len(outage) >= 2 and outage[0] == "WARNING"
    assert set(outage[1:]) == {"DEBUG"}  # logged loudly once per outage
    assert any("registry read from Odoo again" in r.getMessage() for r in caplog.records)


def test_an_invalid_registry_keeps_the_last_good_one(followed, fake_odoo, caplog) -> None:
    follower = by_hand(followed)
    invalid = document(2, acme=tms_endpoint(), other=tms_endpoint("whsec_not base64!"))
    fake_odoo.registry = invalid
    with caplog.at_level(logging.ERROR, logger="logistics_bridge.registry"):
        follower.poll_logged()
    assert followed.service.app.table.version == 1
    assert post(followed, "acme", SECRET_B) == 202
    [error] = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert "registry version 2 from Odoo refused, version 1 from odoo stays in force" in error
    assert "endpoints.acme.auth.secrets: empty" in error
    assert "endpoints.other.auth.secrets[0]: not a valid whsec_/base64 secret" in error
    assert "not base64!" not in error
    assert json.loads((followed.service.settings.registry_cache_path).read_text())["version"] == 1
    fake_odoo.registry = document(3, acme=tms_endpoint(SECRET_A))
    assert follower.poll_once() is True
    assert followed.service.app.table.version == 3


@pytest.mark.parametrize(
    "broken",
    [
        {"version": 3, "endpoints": []},
        {**document(3), "endpoints": {"acme": {"format": "csv"}}},
        document(3, **{"no/slash": tms_endpoint(SECRET_A)}),
    ],
    ids=["not-a-document", "unknown-format", "unreachable-code"],
)
def test_every_kind_of_invalid_registry_is_refused(followed, fake_odoo, broken) -> None:
    follower = by_hand(followed)
    fake_odoo.registry = broken
    with pytest.raises(registry_module.RegistryInvalid):
        follower.poll_once()
    assert followed.service.app.table.version == 1


def test_a_lower_version_is_never_installed(tmp_path, fake_odoo, caplog) -> None:
    RegistryCache(tmp_path / "registry.json").write(document(7, acme=tms_endpoint(SECRET_A)))
    fake_odoo.registry = document(5, acme=tms_endpoint(SECRET_B))
    running = following(tmp_path, fake_odoo)
    try:
        with caplog.at_level(logging.WARNING, logger="logistics_bridge.registry"):
            follower = by_hand(running)
            follower.poll_logged()
            follower.poll_logged()
        assert running.service.app.table.version == 7
        assert post(running, "acme", SECRET_B) == 401
    finally:
        running.service.shutdown()
    lower = [r for r in caplog.records if "registry version 5 is lower" in r.getMessage()]
    assert len(lower) == 1  # warned once, not at every poll
    assert "delete" in lower[0].getMessage()
    assert json.loads((tmp_path / "registry.json").read_text())["version"] == 7


def test_the_toml_endpoints_are_the_bootstrap_until_a_registry_loads(tmp_path, fake_odoo) -> None:
    running = following(tmp_path, fake_odoo)  # fake_odoo.registry is None: no registry model
    try:
        time.sleep(POLL_SECONDS + 0.5)  # polls answered with an error: no registry yet
        assert running.service.app.table.source == "bootstrap"
        assert post(running, "other", SECRET_A) == 202
        fake_odoo.registry = document(1, acme=tms_endpoint(SECRET_A))
        wait_for(lambda: post(running, "other", SECRET_A) == 404, timeout=POLL_SECONDS + 1)
        assert post(running, "acme", SECRET_A) == 202
    finally:
        running.service.shutdown()


class Killed(BaseException):
    """Stands for the process dying in the middle of a write."""


def test_the_cache_is_replaced_atomically(tmp_path, monkeypatch) -> None:
    cache = RegistryCache(tmp_path / "registry.json")
    cache.write(document(1, acme=tms_endpoint(SECRET_A)))
    real_fdopen = os.fdopen

    def half_then_killed(descriptor: int, mode: str) -> Any:
        handle = real_fdopen(descriptor, mode)

        class Half:
            def __enter__(self) -> Half:
                return self

            def __exit__(self, *exc: object) -> None:
                handle.close()

            def write(self, data: bytes) -> None:
                handle.write(data[: len(data) // 2])
                handle.flush()
                raise Killed

        return Half()

    monkeypatch.setattr(registry_module.os, "fdopen", half_then_killed)
    with pytest.raises(Killed):
        cache.write(document(2, acme=tms_endpoint(SECRET_B)))
    monkeypatch.undo()
    assert cache.read() == document(1, acme=tms_endpoint(SECRET_A))
    assert [path.name for path in tmp_path.iterdir()] == ["registry.json"]
    cache.write(document(2, acme=tms_endpoint(SECRET_B)))
    assert cache.read()["version"] == 2
    assert stat.S_IMODE((tmp_path / "registry.json").stat().st_mode) == 0o600


def test_two_bridges_converge_and_report_the_version(tmp_path, fake_odoo) -> None:
    fake_odoo.registry = document(1, acme=tms_endpoint(SECRET_A))
    bridges = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        bridges.append(
            following(tmp_path / name, fake_odoo, heartbeat_seconds=0.2, bridge_id=f"bridge-{name}")
        )
    try:
        wait_for(lambda: all(b.service.app.table.version == 1 for b in bridges))
        fake_odoo.registry = document(2, acme=tms_endpoint(SECRET_B))
        wait_for(lambda: all(b.service.app.table.version == 2 for b in bridges), POLL_SECONDS + 1)
        assert [post(b, "acme", SECRET_B) for b in bridges] == [202, 202]

        def reported() -> dict[str, int | None]:
            with fake_odoo.lock:
                return {
                    beat["bridge_id"]: beat["registry_version"] for beat in fake_odoo.heartbeats
                }

        wait_for(lambda: reported() == {"bridge-a": 2, "bridge-b": 2})
    finally:
        for running in bridges:
            running.service.shutdown()


def test_a_new_registry_is_reported_at_once_not_at_the_next_beat(tmp_path, fake_odoo) -> None:
    fake_odoo.registry = document(1, acme=tms_endpoint(SECRET_A))
    running = following(tmp_path, fake_odoo, heartbeat_seconds=600, bridge_id="bridge-slow")

    def last_reported() -> int | None:
        with fake_odoo.lock:
            return fake_odoo.heartbeats[-1]["registry_version"] if fake_odoo.heartbeats else None

    try:
        wait_for(lambda: last_reported() == 1, timeout=POLL_SECONDS + 2)
        fake_odoo.registry = document(2, acme=tms_endpoint(SECRET_B))
        wait_for(lambda: last_reported() == 2, timeout=POLL_SECONDS + 2)
    finally:
        running.service.shutdown()


# -- commands ------------------------------------------------------------------------------
def write_config(tmp_path: Path, odoo_url: str, endpoints: str = "", extra: str = "") -> str:
    path = tmp_path / "bridge.toml"
    path.write_text(
        f'inbox_url = "sqlite:///{tmp_path}/inbox.sqlite3"\n{extra}\n'
        f'[odoo]\nurl = "{odoo_url}"\ndb = "prod"\nlogin = "bridge"\napi_key = "api-key-xyz"\n'
        f"{endpoints}"
    )
    return str(path)


TOML_ENDPOINTS = f"""
[endpoints]
acme = ["{SECRET_A}"]
[endpoints.portal]
format = "json"
event_id_path = "id"
auth = {{ scheme = "token", secrets = ["portal-token-123"] }}
"""


def test_status_shows_the_registry_in_force(tmp_path, fake_odoo, clean_env, capsys) -> None:
    config = write_config(tmp_path, fake_odoo.url)
    assert main(["--config", config, "status"]) == 0
    assert "registry: on, nothing recorded yet" in capsys.readouterr().out
    fake_odoo.registry = document(3, acme=tms_endpoint(SECRET_A))
    running = following(tmp_path, fake_odoo, bridge_id="bridge-s")
    try:
        wait_for(lambda: running.service.app.table.version == 3)
    finally:
        running.service.shutdown()
    assert main(["--config", config, "status"]) == 0
    assert "registry: version 3 (source odoo; bridge bridge-s, since " in capsys.readouterr().out
    assert main(["--config", config, "status", "--json"]) == 0
    registry = json.loads(capsys.readouterr().out)["registry"]
    assert {key: registry[key] for key in ("enabled", "version", "source")} == {
        "enabled": True,
        "version": 3,
        "source": "odoo",
    }
    off = write_config(tmp_path, fake_odoo.url, extra="[registry]\nenabled = false")
    assert main(["--config", off, "status"]) == 0
    assert "registry: off, the TOML endpoints are in force (source bootstrap)" in (
        capsys.readouterr().out
    )


def test_check_config_takes_endpoints_from_odoo(tmp_path, clean_env, capsys) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:8069")
    assert main(["--config", config, "check-config"]) == 0
    out = capsys.readouterr().out
    assert "configuration OK" in out
    cache = tmp_path / "registry.json"
    assert f"endpoints: from Odoo's registry (checked every 3s, last good copy in {cache})" in out
    off = write_config(tmp_path, "http://127.0.0.1:8069", extra="[registry]\nenabled = false")
    assert main(["--config", off, "check-config"]) == 1
    assert "endpoints: no endpoint configured and the registry is off" in capsys.readouterr().out


def test_check_config_wants_a_cache_path_with_postgres(tmp_path, clean_env, capsys) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:8069")
    clean_env.setenv("LOGISTICS_BRIDGE_INBOX_URL", "postgresql://root@127.0.0.1/bridge")
    assert main(["--config", config, "check-config"]) == 1
    assert "registry.cache_path: required with a PostgreSQL inbox" in capsys.readouterr().out
    clean_env.setenv("LOGISTICS_BRIDGE_REGISTRY__CACHE_PATH", str(tmp_path / "none" / "r.json"))
    assert main(["--config", config, "check-config"]) == 1
    assert f"registry.cache_path: directory {tmp_path}/none does not exist" in (
        capsys.readouterr().out
    )


def test_export_endpoints_dry_run_prints_without_secrets(
    tmp_path, fake_odoo, clean_env, capsys
) -> None:
    config = write_config(tmp_path, fake_odoo.url, TOML_ENDPOINTS)
    assert main(["--config", config, "export-endpoints"]) == 0
    out = capsys.readouterr().out
    assert "acme: format tms-event, auth standard-webhooks (1 secret(s))" in out
    assert "portal: format json, event_id_path id, auth token (1 secret(s))" in out
    assert (
        f"2 endpoint(s) to write into Odoo {fake_odoo.url} (database prod); run with --apply" in out
    )
    assert SECRET_A not in out and "portal-token-123" not in out
    assert not [call for call in fake_odoo.calls if call["service"] == "object"]


def test_export_endpoints_apply_writes_into_odoo(tmp_path, fake_odoo, clean_env, capsys) -> None:
    fake_odoo.registry = document(1, acme=tms_endpoint(SECRET_A))
    config = write_config(tmp_path, fake_odoo.url, TOML_ENDPOINTS)
    assert main(["--config", config, "export-endpoints", "--apply"]) == 0
    out = capsys.readouterr().out
    [call] = [call for call in fake_odoo.calls if call["service"] == "object"]
    assert call["args"][:5] == [
        "prod",
        2,
        "api-key-xyz",
        "logistics.bridge.registry",
        "import_endpoints",
    ]
    [written] = fake_odoo.imports
    assert written["acme"] == tms_endpoint(SECRET_A)
    assert written["portal"] == {
        "format": "json",
        "event_id_path": "id",
        "shipment_key_path": None,
        "split_path": None,
        "auth": [
            {
                "scheme": "token",
                "secrets": [{"value": "portal-token-123", "expires_at": None}],
                "header": "Authorization",
                "prefix": None,
            }
        ],
    }
    assert "created: portal" in out and "updated: none" in out and "unchanged: acme" in out
    assert "portal-token-123" not in out
