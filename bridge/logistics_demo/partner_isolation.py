"""Partner isolation in the demo: the carrier endpoint of a second company sends, through the
bridge, a signed status callback naming a delivered shipment of the first company; Odoo
refuses it (an endpoint only reaches its own company's shipments) and the shipment is left
as it was. Everything is read back over JSON-RPC."""

from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests
from logistics_tms_simulator.lifecycle import SCHEMA_VERSION
from logistics_tms_simulator.sender import signed_headers
from pydantic import BaseModel
from standardwebhooks.webhooks import Webhook

from .driver import DemoDriver

_logger = logging.getLogger(__name__)

LOG_MODEL = "logistics.integration.log"
POLL_SECONDS = 0.5


class IsolationNotShown(Exception):
    """No delivered shipment to name, or Odoo did not answer the callback in time."""


class PartnerEndpoint(BaseModel):
    """The second company's carrier endpoint, as the demo's setup made it."""

    code: str
    company: str
    signing_secret: str


@dataclass
class IsolationOutcome:
    endpoint: str
    company: str
    shipment: str
    shipment_company: str
    result: str
    reason: str
    shipment_state_before: str
    shipment_state_after: str

    @property
    def refused(self) -> bool:
        """Refused, and the shipment left in the state it had."""
        return self.result == "rejected" and self.shipment_state_after == self.shipment_state_before

    def line(self) -> str:
        verdict = "refused" if self.result == "rejected" else f"NOT refused ({self.result})"
        still = "still" if self.shipment_state_after == self.shipment_state_before else "now"
        return (
            f"Partner isolation: {self.company}'s endpoint {self.endpoint} sent a status for "
            f"{self.shipment} of {self.shipment_company}: {verdict} ({self.reason!r}); "
            f"the shipment {still} {self.shipment_state_after}"
        )


def status_envelope(shipment_reference: str, moment: datetime) -> dict[str, Any]:
    """A tms-event status callback reporting the shipment delivered."""
    return {
        "event_id": f"isolation-{uuid.uuid4().hex[:12]}",
        "event_type": "status",
        "shipment_reference": shipment_reference,
        "occurred_at": moment.isoformat(),
        "correlation_id": str(uuid.uuid4()),
        "schema_version": SCHEMA_VERSION,
        "payload": {"status_code": "DELIVERED", "location": "Gent"},
    }


class PartnerIsolationRound:
    """Drives the second company's callback against a running bridge and Odoo."""

    def __init__(self, driver: DemoDriver, bridge_url: str, endpoint: PartnerEndpoint) -> None:
        self.driver = driver
        self.bridge_url = bridge_url.rstrip("/")
        self.endpoint = endpoint

    def run(self, timeout: float) -> IsolationOutcome:
        shipment = self.delivered_shipment()
        before = self.shipment_state(shipment["id"])
        envelope = status_envelope(shipment["name"], datetime.now(UTC))
        self.send(envelope)
        log = self.wait_logged(envelope["event_id"], timeout)
        return IsolationOutcome(
            endpoint=self.endpoint.code,
            company=self.endpoint.company,
            shipment=shipment["name"],
            shipment_company=shipment["company_id"][1],
            result=log["state"],
            reason=(log["error"] or "").strip(),
            shipment_state_before=before,
            shipment_state_after=self.shipment_state(shipment["id"]),
        )

    def delivered_shipment(self) -> dict[str, Any]:
        """The first delivered shipment of the admin's (first) company."""
        shipments = self.driver.call(
            "logistics.shipment",
            "search_read",
            [("state", "=", "delivered")],
            fields=["name", "company_id"],
            order="name",
            limit=1,
        )
        if not shipments:
            raise IsolationNotShown("no delivered shipment of the first company to name")
        return shipments[0]

    def shipment_state(self, shipment_id: int) -> str:
        """The shipment's state as the screen labels it."""
        [row] = self.driver.call("logistics.shipment", "read", [shipment_id], fields=["state"])
        labels = self.driver.call("logistics.shipment", "fields_get", ["state"])["state"]
        return dict(labels["selection"]).get(row["state"], row["state"])

    def send(self, envelope: dict[str, Any]) -> None:
        """POST the callback to the endpoint's inbound URL, signed with its secret."""
        body = json.dumps(envelope)
        answer = requests.post(
            f"{self.bridge_url}/v1/in/{self.endpoint.code}",
            data=body,
            headers=signed_headers(
                Webhook(self.endpoint.signing_secret), envelope["event_id"], body
            ),
            timeout=10,
        )
        answer.raise_for_status()
        _logger.info("bridge took %s: %s", envelope["event_id"], answer.status_code)

    def wait_logged(self, event_id: str, timeout: float) -> dict[str, Any]:
        """The integration log of the callback once Odoo has answered it, read across both
        companies (the refusal belongs to the second company)."""
        companies = self.driver.call("res.company", "search", [])
        deadline = time.monotonic() + timeout
        while True:
            logs = self.driver.call(
                LOG_MODEL,
                "search_read",
                [("external_identifier", "=", event_id)],
                fields=["state", "error"],
                context={"allowed_company_ids": companies},
                limit=1,
            )
            if logs:
                return logs[0]
            if time.monotonic() > deadline:
                raise IsolationNotShown(f"callback {event_id} not answered within {timeout:.0f}s")
            time.sleep(POLL_SECONDS)
