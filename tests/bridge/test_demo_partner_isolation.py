"""The demo's partner-isolation round: a signed callback of the second company's endpoint,
the refusal read back from Odoo, and the line printed from it."""

import base64
import json
from typing import Any

import pytest
import responses
from logistics_demo.driver import DemoDriver
from logistics_demo.partner_isolation import (
    IsolationNotShown,
    PartnerEndpoint,
    PartnerIsolationRound,
)
from standardwebhooks.webhooks import Webhook

BRIDGE_URL = "http://127.0.0.1:8480"
SECRET = "whsec_" + base64.b64encode(b"second-company-signing-key!").decode()
REASON = (
    "shipment_reference: 'SHP/2026/00003' is a shipment of another company; endpoint "
    "'second_carrier' only reaches shipments of Second Company"
)


class OdooTable(DemoDriver):
    """A driver answering the round's JSON-RPC calls from a small table."""

    def __init__(
        self, log_state: str, state_after: str = "delivered", delivered: bool = True
    ) -> None:
        self.log_state = log_state
        self.delivered = delivered
        self.states = ["delivered", state_after]
        self.log_contexts: list[dict] = []

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        if (model, method) == ("logistics.shipment", "search_read"):
            shipment = {"id": 7, "name": "SHP/2026/00003", "company_id": [1, "YourCompany"]}
            return [shipment] if self.delivered else []
        if (model, method) == ("logistics.shipment", "read"):
            return [{"id": 7, "state": self.states.pop(0)}]
        if (model, method) == ("logistics.shipment", "fields_get"):
            return {
                "state": {"selection": [["in_transit", "In Transit"], ["delivered", "Delivered"]]}
            }
        if (model, method) == ("res.company", "search"):
            return [1, 2]
        if (model, method) == ("logistics.integration.log", "search_read"):
            self.log_contexts.append(kwargs["context"])
            return [{"state": self.log_state, "error": REASON + "\n"}]
        raise AssertionError(f"unexpected call {model}.{method}")


def _round(driver: DemoDriver) -> PartnerIsolationRound:
    endpoint = PartnerEndpoint(
        code="second_carrier", company="Second Company", signing_secret=SECRET
    )
    return PartnerIsolationRound(driver, BRIDGE_URL, endpoint)


@responses.activate
def test_signed_callback_refused_and_shipment_unchanged() -> None:
    responses.post(f"{BRIDGE_URL}/v1/in/second_carrier", status=202, json={"stored": 1})
    driver = OdooTable("rejected")

    outcome = _round(driver).run(timeout=5)

    [sent] = responses.calls
    body = sent.request.body
    envelope = Webhook(SECRET).verify(body, dict(sent.request.headers))
    assert envelope == json.loads(body)
    assert envelope["shipment_reference"] == "SHP/2026/00003"
    assert envelope["event_type"] == "status"
    assert sent.request.headers["webhook-id"] == envelope["event_id"]
    assert driver.log_contexts == [{"allowed_company_ids": [1, 2]}], "read across companies"
    assert outcome.refused
    assert outcome.line() == (
        "Partner isolation: Second Company's endpoint second_carrier sent a status for "
        f"SHP/2026/00003 of YourCompany: refused ({REASON!r}); the shipment still Delivered"
    )


@responses.activate
def test_an_applied_callback_is_reported_as_not_refused() -> None:
    responses.post(f"{BRIDGE_URL}/v1/in/second_carrier", status=202, json={"stored": 1})

    outcome = _round(OdooTable("processed", state_after="in_transit")).run(timeout=5)

    assert not outcome.refused
    assert "NOT refused (processed)" in outcome.line()
    assert outcome.line().endswith("the shipment now In Transit")


@responses.activate
def test_refused_needs_the_shipment_left_as_it_was() -> None:
    responses.post(f"{BRIDGE_URL}/v1/in/second_carrier", status=202, json={"stored": 1})

    outcome = _round(OdooTable("rejected", state_after="in_transit")).run(timeout=5)

    assert not outcome.refused
    assert outcome.line().endswith("the shipment now In Transit")


@responses.activate
def test_nothing_sent_without_a_delivered_shipment() -> None:
    with pytest.raises(IsolationNotShown, match="no delivered shipment"):
        _round(OdooTable("rejected", delivered=False)).run(timeout=5)
    assert not responses.calls
