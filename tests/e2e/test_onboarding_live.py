"""The onboarding tour, run in a browser against a live Odoo with a bridge already running.

Real processes: Odoo with workers, one bridge whose TOML holds only its process settings
and the ``[odoo]`` table of Connect a bridge (no endpoint yet), and headless Chromium
driven over the DevTools protocol. A fresh Integration Administrator logs in with a
password and runs the ``logistics_inbound_onboarding`` tour: a carrier no preset was
written for, onboarded from its sample document. Then the carrier signs that sample with
the secret it was handed, exactly as the saved recipe says, and posts it to the running
bridge: it must be accepted, and be a milestone of the shipment whose delivery carries the
sample's tracking number, each within ``BOUND`` seconds of the tour's save. Nothing is
restarted and no file is edited in between.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from logistics_demo.driver import DemoDriver
from logistics_demo.processes import ManagedProcess, free_port
from logistics_demo.stack import BridgeFleet, OdooServer

websocket = pytest.importorskip("websocket", reason="websocket-client drives the browser")

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"no browser at {CHROMIUM}", allow_module_level=True)

# The bound: from the save, the first signed callback is accepted and a milestone.
BOUND = 10.0
TOUR = "logistics_inbound_onboarding"
TOUR_URL = "/odoo/action-logistics_inbound.logistics_inbound_profile_action"
TOUR_TIMEOUT = 90.0
PAGE_TIMEOUT = 120.0
# What the tour types and checks (see static/tests/tours/logistics_inbound_onboarding_tour.js).
CODE = "nexus_parcel"
TRACKING_NUMBER = "NXS-4471-0093"
PUBLIC_URL = "https://bridge.example.com"
INTEGRATION_ADMIN = "onboarding-admin"


class Browser:
    """Headless Chromium and one page driven over the DevTools protocol."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.process = ManagedProcess(
            "chromium",
            [
                str(CHROMIUM),
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--window-size=1366,768",
                f"--user-data-dir={workdir / 'profile'}",
                f"--remote-debugging-port={self.port}",
                "about:blank",
            ],
            workdir / "chromium.log",
        )
        self._ids = itertools.count(1)
        self._socket: Any = None
        self._replies: dict[int, dict[str, Any]] = {}
        self.events: list[tuple[float, dict[str, Any]]] = []
        self._lock = threading.Condition()
        self._reader: threading.Thread | None = None

    def start(self) -> None:
        self.process.start()
        self.process.wait_http(f"http://127.0.0.1:{self.port}/json/version", 30)
        [page] = [
            target
            for target in requests.get(f"http://127.0.0.1:{self.port}/json/list", timeout=5).json()
            if target["type"] == "page"
        ][:1]
        self._socket = websocket.create_connection(
            page["webSocketDebuggerUrl"], timeout=10, suppress_origin=True
        )
        self._socket.settimeout(None)  # quiet while a page loads: the reader keeps waiting
        self._reader = threading.Thread(target=self._read, name="devtools", daemon=True)
        self._reader.start()
        for domain in ("Page", "Runtime", "Network"):
            self.send(f"{domain}.enable")

    def stop(self) -> None:
        if self._socket is not None:
            self._socket.close()
        self.process.stop()

    def _read(self) -> None:
        while True:
            try:
                message = json.loads(self._socket.recv())
            except Exception:  # noqa: BLE001 - the socket closed: the browser is gone
                return
            with self._lock:
                if "id" in message:
                    self._replies[message["id"]] = message
                else:
                    self.events.append((time.monotonic(), message))
                self._lock.notify_all()

    def send(self, method: str, timeout: float = 30, **params: Any) -> dict[str, Any]:
        number = next(self._ids)
        self._socket.send(json.dumps({"id": number, "method": method, "params": params}))
        with self._lock:
            if not self._lock.wait_for(lambda: number in self._replies, timeout):
                raise AssertionError(f"the browser did not answer {method}")
            reply = self._replies.pop(number)
        if "error" in reply:
            raise AssertionError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def evaluate(self, expression: str) -> Any:
        result = self.send(
            "Runtime.evaluate",
            PAGE_TIMEOUT,
            expression=expression,
            awaitPromise=True,
            returnByValue=True,
        )
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float) -> None:
        """Wait until ``expression`` is truthy in the page (which may be navigating)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.evaluate(expression):
                    return
            except AssertionError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"the page never had {expression!r}")

    def goto(self, url: str) -> None:
        """Navigate; the first pages of a fresh Odoo (workers loading) may take a while."""
        self.send("Page.navigate", PAGE_TIMEOUT, url=url)

    def console(self, since: int = 0) -> Iterator[tuple[float, str, str]]:
        """(when, level, text) of the page's console messages and uncaught errors."""
        for when, event in self.events[since:]:
            params = event.get("params", {})
            if event["method"] == "Runtime.consoleAPICalled":
                text = " ".join(
                    str(arg.get("value", arg.get("description", ""))) for arg in params["args"]
                )
                yield when, params["type"], text
            elif event["method"] == "Runtime.exceptionThrown":
                yield when, "exception", json.dumps(params["exceptionDetails"])[:2000]

    def response_time(self, matches: Callable[[dict[str, Any]], bool]) -> float | None:
        """When the browser had the answer to the first request ``matches`` accepts."""
        wanted: set[str] = set()
        for when, event in list(self.events):
            params = event.get("params", {})
            if event["method"] == "Network.requestWillBeSent" and matches(params["request"]):
                wanted.add(params["requestId"])
            elif event["method"] == "Network.loadingFinished" and params["requestId"] in wanted:
                return when
        return None


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    chromium = Browser(tmp_path_factory.mktemp("chromium"))
    try:
        chromium.start()
        yield chromium
    finally:
        chromium.stop()


def _until(since: float, check: Callable[[], bool], what: str, give_up: float = BOUND + 20):
    """Seconds from ``since`` until ``check()`` holds, checking every 0.1 s."""
    while not check():
        if time.monotonic() - since > give_up:
            raise AssertionError(f"{what}: not after {give_up:.0f}s")
        time.sleep(0.1)
    return time.monotonic() - since


def _run_tour(browser: Browser, url: str, login: str, password: str) -> None:
    """Log in through the login form, open the tour's start page, run the tour."""
    browser.goto(f"{url}/web/login")
    browser.wait_for(
        "document.readyState === 'complete' && !!document.querySelector('form')", PAGE_TIMEOUT
    )
    browser.evaluate(
        f"""(() => {{
            document.querySelector("input[name=login]").value = {json.dumps(login)};
            document.querySelector("input[name=password]").value = {json.dumps(password)};
            document.querySelector("form.oe_login_form").submit();
        }})()"""
    )
    browser.wait_for("location.pathname.startsWith('/odoo')", PAGE_TIMEOUT)
    browser.goto(f"{url}{TOUR_URL}?debug=tests")
    browser.wait_for(
        f"location.pathname === {json.dumps(TOUR_URL)} && !!(window.odoo && odoo.isTourReady)",
        PAGE_TIMEOUT,
    )
    browser.evaluate(f"odoo.isTourReady({TOUR!r})")
    start = len(browser.events)
    browser.evaluate(f"odoo.startTour({TOUR!r}, {json.dumps({'stepDelay': 0})})")
    deadline = time.monotonic() + TOUR_TIMEOUT
    while time.monotonic() < deadline:
        for _when, level, text in browser.console(start):
            if "tour succeeded" in text:
                return
            if level in ("error", "exception"):
                raise AssertionError(f"the tour failed: {text}")
        time.sleep(0.1)
    raise AssertionError(f"the tour did not finish in {TOUR_TIMEOUT:.0f}s")


def _signed(recipe: dict[str, Any], secret: str, body: bytes) -> dict[str, str]:
    """The headers the saved recipe asks for: HMAC of the body, encoded, after its prefix."""
    assert recipe["scheme"] == "hmac", recipe
    assert not recipe["timestamp_header"], "the tour's recipe signs the body alone"
    digest = hmac.new(secret.encode(), body, getattr(hashlib, recipe["hmac_algorithm"]))
    value = (
        digest.hexdigest()
        if recipe["encoding"] == "hex"
        else base64.b64encode(digest.digest()).decode()
    )
    return {recipe["header"]: (recipe["prefix"] or "") + value}


def test_integration_admin_onboards_a_carrier_in_the_browser_served_live(
    odoo_server: OdooServer, bridges: BridgeFleet, browser: Browser
) -> None:
    admin = odoo_server.admin
    database = odoo_server.instance.database
    settings = admin.call(
        "res.config.settings", "create", {"logistics_bridge_public_url": PUBLIC_URL}
    )
    admin.call("res.config.settings", "execute", [settings])
    # One bridge, already running on Odoo's registry before the carrier exists.
    bridge = bridges.start("live-a", admin.connect_bridge())
    _until(
        time.monotonic(),
        lambda: bridge.status()["registry"]["source"] == "odoo",
        "the bridge runs Odoo's registry",
        give_up=60,
    )
    configured, pid = bridge.config.stat().st_mtime_ns, bridge.process.pid
    probe = requests.post(f"{bridge.url}/v1/in/{CODE}", data=b"{}", timeout=5)
    assert probe.status_code == 404, "the carrier is not configured yet"

    password = "onboarding-admin-" + database
    admin.call(
        "res.users",
        "create",
        {
            "name": "Integration Administrator",
            "login": INTEGRATION_ADMIN,
            "password": password,
            "groups_id": [
                (
                    6,
                    0,
                    [
                        admin.xmlid("base.group_user"),
                        admin.xmlid("logistics_integration.group_integration_admin"),
                    ],
                )
            ],
        },
    )
    integrator = DemoDriver(odoo_server.url, database, INTEGRATION_ADMIN, password)
    shipment = admin.delivery_shipment("Onboarding Tour Customer", TRACKING_NUMBER)

    toured = time.monotonic()
    _run_tour(browser, odoo_server.url, INTEGRATION_ADMIN, password)
    finished = time.monotonic()
    saved = browser.response_time(
        lambda request: (
            "/web/dataset/call_button" in request["url"]
            and '"action_save"' in request.get("postData", "")
        )
    )
    assert saved is not None, "the tour's save was not seen"

    # What the carrier was handed: the secret of the recipe the tour saved, read by the
    # administrator who made it; the document is the sample the tour pasted.
    [endpoint] = integrator.call(
        "logistics.endpoint",
        "search_read",
        [("code", "=", CODE)],
        fields=["inbound_url", "create_uid", "auth_recipe_ids"],
    )
    assert endpoint["inbound_url"] == f"{PUBLIC_URL}/v1/in/{CODE}"
    assert endpoint["create_uid"][0] == integrator.client.uid()
    [recipe] = integrator.call(
        "logistics.auth.recipe",
        "read",
        endpoint["auth_recipe_ids"],
        ["scheme", "header", "prefix", "hmac_algorithm", "encoding", "timestamp_header"],
    )
    assert (recipe["scheme"], recipe["header"]) == ("hmac", "X-Nexus-Signature")
    [secret] = integrator.call(
        "logistics.auth.secret",
        "search_read",
        [("recipe_id", "=", recipe["id"])],
        fields=["value"],
    )
    [wizard] = integrator.call(
        "logistics.onboarding.wizard",
        "search_read",
        [("endpoint_id", "=", endpoint["id"])],
        fields=["sample"],
    )
    body = wizard["sample"].encode()
    assert TRACKING_NUMBER.encode() in body
    headers = {"Content-Type": "application/json", **_signed(recipe, secret["value"], body)}

    answers: list[int] = []

    def accepted() -> bool:
        answers.append(
            requests.post(
                f"{bridge.url}/v1/in/{CODE}", data=body, headers=headers, timeout=5
            ).status_code
        )
        assert answers[-1] in (202, 404), answers
        return answers[-1] == 202

    accepted_after = _until(saved, accepted, "the first signed callback accepted")
    assert answers.count(202) == 1, answers

    def milestones() -> list[dict[str, Any]]:
        return admin.call(
            "logistics.milestone",
            "search_read",
            [("shipment_id", "=", shipment)],
            fields=["event_type_id", "raw_code", "external_event_id", "location", "endpoint_id"],
        )

    milestone_after = _until(saved, lambda: bool(milestones()), "the first milestone")
    print(
        f"onboarding live: tour {finished - toured:.2f}s, saved {saved - toured:.2f}s into "
        f"it; from the save: accepted {accepted_after:.2f}s ({len(answers)} posts), "
        f"milestone {milestone_after:.2f}s (bound {BOUND:.0f}s)"
    )
    assert accepted_after <= BOUND, f"accepted {accepted_after:.2f}s after the save"
    assert milestone_after <= BOUND, f"milestone {milestone_after:.2f}s after the save"
    [milestone] = milestones()
    [delivered] = admin.call(
        "logistics.event.type", "search", [("code", "=", "delivered")], limit=1
    )
    assert milestone["event_type_id"][0] == delivered
    assert (milestone["raw_code"], milestone["external_event_id"]) == ("DLV", "17")
    assert milestone["location"] == "Ghent, VOV, BE"
    assert milestone["endpoint_id"][0] == endpoint["id"]
    [state] = admin.call("logistics.shipment", "read", [shipment], ["state"])
    assert state["state"] == "delivered"
    assert (bridge.process.running, bridge.process.pid) == (True, pid), "never restarted"
    assert bridge.config.stat().st_mtime_ns == configured, "the bridge's file was not edited"
