"""Odoo is the one place partners are configured; running bridges follow it live.

Real processes: Odoo with workers and two bridges whose TOML holds only their process
settings and the ``[odoo]`` table of Settings > Logistics > Connect a bridge (no endpoint).
An Integration Administrator configures a carrier over JSON-RPC: the endpoint with its
inbound side, an HMAC recipe and a secret Odoo generates. Then, while the carrier keeps
sending signed tracker updates, the secret is rotated and the recipe switched to a
``signature`` one; Odoo is stopped and started again. Each change must be in force on both
bridges within ``BOUND`` seconds of its save (each time is measured and printed), the
carrier is never refused, and every update it got a 2xx for becomes exactly one milestone.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import tomllib
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from logistics_demo.driver import DemoDriver
from logistics_demo.stack import Bridge, BridgeFleet, OdooServer

# The bound: a change saved in Odoo is in force on every bridge within it.
BOUND = 10.0
CODE = "cp_carrier"
TRACKING_NUMBER = "CP4000000001"
HMAC_HEADER = "X-Hmac-Signature"
HMAC_PREFIX = "hmac-sha256-hex="
SIGNATURE_HEADER = "X-Carrier-Signature"
STREAM_INTERVAL = 0.5
PUBLIC_URL = "https://hooks.example.com"
INTEGRATION_ADMIN = "integration-admin"


@dataclass(frozen=True)
class Credential:
    """How the carrier signs an update: with its HMAC recipe (EasyPost's header) or its
    signature recipe (``t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">``)."""

    recipe: str
    secret: str
    label: str

    def headers(self, body: bytes) -> dict[str, str]:
        if self.recipe == "hmac":
            digest = hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
            return {HMAC_HEADER: HMAC_PREFIX + digest}
        timestamp = str(int(time.time()))
        signed = f"{timestamp}.".encode() + body
        digest = hmac.new(self.secret.encode(), signed, hashlib.sha256).hexdigest()
        return {SIGNATURE_HEADER: f"t={timestamp},v1={digest}"}


class Carrier:
    """The partner: numbered EasyPost tracker updates of one shipment, one tracking detail
    each (so one milestone each), and the numbers a bridge acknowledged."""

    def __init__(self) -> None:
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        self.acknowledged: set[int] = set()
        self._start = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)

    def next_number(self) -> int:
        with self._lock:
            return next(self._numbers)

    def document(self, number: int) -> bytes:
        moment = self._start + timedelta(minutes=number)
        return json.dumps(
            {
                "id": f"evt_cp_{number:05d}",
                "object": "Event",
                "description": "tracker.updated",
                "result": {
                    "id": f"trk_cp_{number:05d}",
                    "object": "Tracker",
                    "tracking_code": TRACKING_NUMBER,
                    "status": "in_transit",
                    "tracking_details": [
                        {
                            "object": "TrackingDetail",
                            "message": f"SCAN {number}",
                            "status": "in_transit",
                            "datetime": moment.isoformat().replace("+00:00", "Z"),
                            "tracking_location": {"city": "GENT", "country": "BE"},
                        }
                    ],
                },
            }
        ).encode()

    def send(self, bridge_url: str, number: int, credential: Credential) -> int:
        """POST update ``number`` signed with ``credential``; the bridge's status code."""
        body = self.document(number)
        answer = requests.post(
            f"{bridge_url}/v1/in/{CODE}",
            data=body,
            headers={"Content-Type": "application/json", **credential.headers(body)},
            timeout=10,
        )
        if answer.status_code in (200, 202):
            with self._lock:
                self.acknowledged.add(number)
        return answer.status_code


class Stream(threading.Thread):
    """The carrier's steady flow: an update every STREAM_INTERVAL to each bridge in turn,
    signed with the credential it uses now. A bridge that is not listening (restarting)
    gets the same update again, as a sender retries; every answer is counted."""

    def __init__(self, carrier: Carrier, bridges: list[Bridge], credential: Credential) -> None:
        super().__init__(name="carrier-stream", daemon=True)
        self.carrier = carrier
        self.credential = credential
        self.answers: Counter[tuple[str, int]] = Counter()
        self._urls = itertools.cycle([bridge.url for bridge in bridges])
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            number, url = self.carrier.next_number(), next(self._urls)
            while not self._halt.is_set():
                credential = self.credential
                try:
                    status = self.carrier.send(url, number, credential)
                except requests.ConnectionError:
                    time.sleep(0.2)
                    continue
                self.answers[credential.label, status] += 1
                break
            self._halt.wait(STREAM_INTERVAL)

    def stop(self) -> None:
        self._halt.set()
        self.join(30)

    def refusals(self) -> dict[tuple[str, int], int]:
        return {key: n for key, n in self.answers.items() if key[1] not in (200, 202)}


class Clock:
    """Measured times, printed as they are taken and asserted against their bound."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def record(self, what: str, seconds: float, bound: float = BOUND) -> None:
        line = f"{what}: {seconds:.2f}s (bound {bound:.0f}s)"
        print(f"control plane: {line}")
        self.lines.append(line)
        assert seconds <= bound, line


def _until(
    since: float, check: Callable[[], bool], what: str, give_up: float = BOUND + 30
) -> float:
    """Seconds from ``since`` until ``check()`` holds, checking every 0.2 s; fails after
    ``give_up`` seconds (past the bound, so a slow change still says how slow)."""
    while not check():
        if time.monotonic() - since > give_up:
            raise AssertionError(f"{what}: not after {give_up:.0f}s")
        time.sleep(0.2)
    return time.monotonic() - since


def _answer_until(
    carrier: Carrier, bridges: list[Bridge], credential: Credential, status: int, since: float
) -> list[float]:
    """Per bridge, seconds from ``since`` until an update signed with ``credential`` is
    answered ``status`` (each bridge probed on its own thread)."""

    def probe(bridge: Bridge) -> float:
        return _until(
            since,
            lambda: carrier.send(bridge.url, carrier.next_number(), credential) == status,
            f"{bridge.name}: {credential.label} answered {status}",
        )

    with ThreadPoolExecutor(len(bridges)) as pool:
        return list(pool.map(probe, bridges))


@dataclass
class ControlPlane:
    odoo: OdooServer
    admin: DemoDriver
    integrator: DemoDriver
    bridge_driver: DemoDriver
    bridges: list[Bridge]
    shipment_id: int


@pytest.fixture(scope="module")
def control_plane(odoo_server: OdooServer, bridges: BridgeFleet) -> Iterator[ControlPlane]:
    admin = odoo_server.admin
    database = odoo_server.instance.database
    password = "integration-admin-" + database
    admin.call(
        "res.users",
        "create",
        {
            "name": "Integration Administrator",
            "login": INTEGRATION_ADMIN,
            "password": password,
            "groups_id": [(6, 0, [admin.xmlid("logistics_integration.group_integration_admin")])],
        },
    )
    integrator = DemoDriver(odoo_server.url, database, INTEGRATION_ADMIN, password)
    # Settings > Logistics: the bridges' public URL, then Connect a bridge once.
    settings = admin.call(
        "res.config.settings", "create", {"logistics_bridge_public_url": PUBLIC_URL}
    )
    admin.call("res.config.settings", "execute", [settings])
    odoo_table = admin.connect_bridge()
    credentials = tomllib.loads(odoo_table)["odoo"]
    assert credentials["url"] == odoo_server.url
    bridge_driver = DemoDriver(
        credentials["url"], credentials["db"], credentials["login"], credentials["api_key"]
    )
    running = [bridges.start(name, odoo_table, heartbeat_seconds=1) for name in ("cp-a", "cp-b")]

    shipment_id = admin.delivery_shipment("Control Plane Customer", TRACKING_NUMBER)
    yield ControlPlane(odoo_server, admin, integrator, bridge_driver, running, shipment_id)


def _milestones(plane: ControlPlane) -> list[dict[str, Any]]:
    return plane.admin.call(
        "logistics.milestone",
        "search_read",
        [("shipment_id", "=", plane.shipment_id)],
        fields=["external_event_id"],
    )


def _configure_carrier(integrator: DemoDriver, profile: int) -> tuple[int, int, Credential]:
    """The endpoint with its inbound side and an HMAC recipe, then a secret Odoo makes."""
    endpoint = integrator.call(
        "logistics.endpoint",
        "create",
        {
            "name": "Control plane carrier",
            "code": CODE,
            "kind": "carrier",
            "logistics_inbound_profile_id": profile,
            "responsible_user_id": integrator.client.uid(),
            "inbound_format": "json",
            "event_id_path": "id",
            "ordering_key_path": "result.tracking_code",
            "auth_recipe_ids": [
                (
                    0,
                    0,
                    {
                        "name": "EasyPost HMAC",
                        "scheme": "hmac",
                        "header": HMAC_HEADER,
                        "hmac_algorithm": "sha256",
                        "encoding": "hex",
                        "prefix": HMAC_PREFIX,
                        "sequence": 10,
                    },
                )
            ],
        },
    )
    [recipe] = integrator.call("logistics.auth.recipe", "search", [("endpoint_id", "=", endpoint)])
    return endpoint, recipe, Credential("hmac", integrator.new_secret(recipe), "hmac secret 1")


def _secret_id(integrator: DemoDriver, recipe: int, credential: Credential) -> int:
    secrets = integrator.call(
        "logistics.auth.secret",
        "search_read",
        [("recipe_id", "=", recipe)],
        fields=["value"],
    )
    [found] = [row["id"] for row in secrets if row["value"] == credential.secret]
    return found


def test_partner_configured_in_odoo_is_served_live_by_every_bridge(
    control_plane: ControlPlane,
) -> None:
    plane, clock, carrier = control_plane, Clock(), Carrier()
    integrator, bridges = plane.integrator, plane.bridges
    for bridge in bridges:
        _until(
            time.monotonic(),
            lambda bridge=bridge: bridge.status()["registry"]["source"] == "odoo",
            f"{bridge.name} runs Odoo's registry",
        )

    # 1. A new carrier, saved in Odoo: served by both bridges, its updates become milestones.
    profile = plane.admin.xmlid("logistics_inbound.inbound_profile_easypost")
    endpoint, hmac_recipe, first = _configure_carrier(integrator, profile)
    saved = time.monotonic()
    [inbound_url] = integrator.call("logistics.endpoint", "read", [endpoint], ["inbound_url"])
    assert inbound_url["inbound_url"] == f"{PUBLIC_URL}/v1/in/{CODE}"
    for bridge, seconds in zip(
        bridges, _answer_until(carrier, bridges, first, 202, saved), strict=True
    ):
        clock.record(f"new endpoint accepted by {bridge.name}", seconds)
    expected = len(carrier.acknowledged)
    clock.record(
        "new endpoint's first updates are milestones in Odoo",
        _until(saved, lambda: len(_milestones(plane)) >= expected, "first milestones"),
    )

    stream = Stream(carrier, bridges, first)
    stream.start()
    try:
        # 2. Secret rotation: a second secret, the first one live until it is archived.
        second = Credential(
            "hmac", integrator.new_secret(hmac_recipe, rotate=True), "hmac secret 2"
        )
        saved = time.monotonic()
        for bridge, seconds in zip(
            bridges, _answer_until(carrier, bridges, second, 202, saved), strict=True
        ):
            clock.record(f"rotated secret accepted by {bridge.name}", seconds)
        for bridge in bridges:
            for credential in (first, second):
                number = carrier.next_number()
                assert carrier.send(bridge.url, number, credential) == 202, credential.label
        stream.credential = second
        integrator.call(
            "logistics.auth.secret",
            "write",
            [_secret_id(integrator, hmac_recipe, first)],
            {"active": False},
        )
        saved = time.monotonic()
        for bridge, seconds in zip(
            bridges, _answer_until(carrier, bridges, first, 401, saved), strict=True
        ):
            clock.record(f"archived secret refused by {bridge.name}", seconds)

        # 3. Recipe cutover: a signature recipe next to the HMAC one, then the HMAC one archived.
        signature_recipe = integrator.call(
            "logistics.auth.recipe",
            "create",
            {
                "endpoint_id": endpoint,
                "name": "Carrier signature",
                "scheme": "signature",
                "sequence": 20,
                "signature_header": SIGNATURE_HEADER,
                "signature_format": "list",
                "timestamp_key": "t",
                "signature_key": "v1",
                "signed_template": "{timestamp}.{body}",
                "algorithm": "hmac-sha256",
                "key_encoding": "text",
                "signature_encoding": "hex",
                "tolerance_seconds": 300,
            },
        )
        signed = Credential("signature", integrator.new_secret(signature_recipe), "signature")
        saved = time.monotonic()
        for bridge, seconds in zip(
            bridges, _answer_until(carrier, bridges, signed, 202, saved), strict=True
        ):
            clock.record(f"signature recipe accepted by {bridge.name}", seconds)
        for bridge in bridges:
            for credential in (second, signed):
                number = carrier.next_number()
                assert carrier.send(bridge.url, number, credential) == 202, credential.label
        stream.credential = signed
        integrator.call("logistics.auth.recipe", "write", [hmac_recipe], {"active": False})
        saved = time.monotonic()
        for bridge, seconds in zip(
            bridges, _answer_until(carrier, bridges, second, 401, saved), strict=True
        ):
            clock.record(f"archived HMAC recipe refused by {bridge.name}", seconds)
        version = plane.bridge_driver.call("logistics.bridge.registry", "registry_version")[
            "version"
        ]

        # 4. Odoo stops: the bridges verify from the registry they hold, events wait.
        acknowledged_before = len(carrier.acknowledged)
        plane.odoo.stop()
        restarted = bridges[1]
        restarted.restart()  # this one reads the registry from its cache file
        cached = restarted.status()["registry"]
        assert (cached["source"], cached["version"]) == ("cache", version), cached
        for bridge in bridges:
            assert carrier.send(bridge.url, carrier.next_number(), signed) == 202, bridge.name
            assert carrier.send(bridge.url, carrier.next_number(), second) == 401, bridge.name
        _until(
            time.monotonic(),
            lambda: len(carrier.acknowledged) >= acknowledged_before + 10,
            "updates accepted while Odoo is down",
        )
        pending = {bridge.name: bridge.status()["counts"].get("pending", 0) for bridge in bridges}
        assert all(pending.values()), pending
        print(f"control plane: pending while Odoo is down: {pending}")
        plane.odoo.start()
        back = time.monotonic()
    finally:
        stream.stop()
    assert stream.refusals() == {}, stream.answers
    print(f"control plane: the carrier's stream: {dict(stream.answers)}")

    # 5. The backlog drains: every acknowledged update is one milestone, nothing doubled.
    expected = len(carrier.acknowledged)
    drained = _until(
        back,
        lambda: (
            len(_milestones(plane)) >= expected
            and not any(bridge.status()["counts"].get("pending", 0) for bridge in bridges)
        ),
        "backlog drained",
        give_up=120,
    )
    clock.record("backlog drained after Odoo's restart", drained, bound=120)
    milestones = _milestones(plane)
    assert len(milestones) == expected
    assert len({m["external_event_id"] for m in milestones}) == expected
    inbound = plane.admin.call(
        "logistics.inbound.event", "search_read", [("endpoint_id", "=", endpoint)], ["state"]
    )
    assert len(inbound) == expected
    assert {row["state"] for row in inbound} == {"processed"}
    for bridge in bridges:
        counts = bridge.status()["counts"]
        assert not (counts.get("rejected") or counts.get("failed")), (bridge.name, counts)
    # Each update went to one bridge (a retry to the same one is its duplicate).
    assert sum(bridge.status()["counts"].get("forwarded", 0) for bridge in bridges) == expected

    # 6. Both bridges run Odoo's registry version and report it in their heartbeat.
    current = plane.bridge_driver.call("logistics.bridge.registry", "registry_version")["version"]
    assert current == version, "nothing changed the registry during the outage"

    def reported() -> dict[str, tuple[int, bool]]:
        rows = plane.admin.call(
            "logistics.bridge.instance",
            "search_read",
            [("bridge_id", "in", [bridge.name for bridge in bridges])],
            fields=["bridge_id", "registry_version", "is_registry_behind"],
        )
        return {
            row["bridge_id"]: (row["registry_version"], row["is_registry_behind"]) for row in rows
        }

    _until(
        time.monotonic(),
        lambda: reported() == {bridge.name: (current, False) for bridge in bridges},
        "heartbeats with Odoo's registry version",
    )
    for bridge in bridges:
        registry = bridge.status()["registry"]
        assert (registry["source"], registry["version"]) == ("odoo", current), bridge.name
    print("control plane: measured\n  " + "\n  ".join(clock.lines))
