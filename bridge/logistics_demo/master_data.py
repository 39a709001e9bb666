"""Master data in the demo: ship-to addresses, products and carrier services sent to the
simulated TMS once, then a changed product weight sent as a delta, each through Odoo's
own *Send Now* on the data-ownership matrix, over JSON-RPC."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import requests

from .driver import DemoDriver

_logger = logging.getLogger(__name__)

STATE_MODEL = "logistics.master.data.state"
DOMAINS = {
    "partners": "master_partners",
    "products": "master_products",
    "carrier_services": "master_carrier_services",
}
POLL_SECONDS = 0.5


class MasterDataTimeout(Exception):
    """Odoo's master data messages were not answered in time."""


@dataclass
class MasterDataOutcome:
    acknowledged: dict[str, int]
    batches_after_repeat: dict[str, int]
    batches_before_repeat: dict[str, int]
    delta_records: int
    delta_version: int

    @property
    def sent_once(self) -> bool:
        """A second *Send Now* without changes sent no batch at all."""
        return self.batches_after_repeat == self.batches_before_repeat

    def line(self) -> str:
        counts = self.acknowledged
        once = "sent once" if self.sent_once else "sent MORE THAN ONCE"
        return (
            f"Master data: {counts['partners']} partners, {counts['products']} products, "
            f"{counts['carrier_services']} carrier services {once}; a changed weight sent "
            f"as a delta of {self.delta_records} product (TMS version {self.delta_version})"
        )


class MasterDataRound:
    """Drives the master data flow against a running Odoo and the simulated TMS."""

    def __init__(self, driver: DemoDriver, tms_url: str, tms_api_key: str) -> None:
        self.driver = driver
        self.tms_url = tms_url.rstrip("/")
        self.tms_headers = {"X-API-Key": tms_api_key}

    def run(self, product_id: int, timeout: float) -> MasterDataOutcome:
        self.send_now(DOMAINS.values())
        self.wait_answered(timeout)
        acknowledged = {
            kind: self.driver.call(
                STATE_MODEL, "search_count", [("kind", "=", kind), ("state", "=", "sent")]
            )
            for kind in DOMAINS
        }
        before = self.batches()
        self.send_now(DOMAINS.values())
        self.wait_answered(timeout)
        after = self.batches()
        [weight] = [
            row["weight"]
            for row in self.driver.call("product.product", "read", [product_id], fields=["weight"])
        ]
        self.driver.call("product.product", "write", [product_id], {"weight": weight + 1.5})
        self.send_now([DOMAINS["products"]])
        self.wait_answered(timeout)
        summary = self.tms_summary()["products"]
        [state] = self.driver.call(
            STATE_MODEL,
            "search_read",
            [("model", "=", "product.product"), ("res_id", "=", product_id)],
            fields=["tms_version"],
            limit=1,
        )
        return MasterDataOutcome(
            acknowledged=acknowledged,
            batches_before_repeat=before,
            batches_after_repeat=after,
            delta_records=summary["last_batch_records"],
            delta_version=state["tms_version"],
        )

    def send_now(self, domains: Any) -> None:
        lines = self.driver.call(
            "logistics.data.ownership", "search", [("domain", "in", list(domains))]
        )
        self.driver.call("logistics.data.ownership", "action_master_data_send_now", lines)

    def wait_answered(self, timeout: float) -> None:
        """Until no master record waits for the TMS's answer."""
        deadline = time.monotonic() + timeout
        while self.driver.call(STATE_MODEL, "search_count", [("state", "=", "pending")]):
            if time.monotonic() > deadline:
                raise MasterDataTimeout(f"master data not answered within {timeout:.0f}s")
            time.sleep(POLL_SECONDS)

    def tms_summary(self) -> dict[str, Any]:
        answer = requests.get(
            f"{self.tms_url}/v1/master-data", headers=self.tms_headers, timeout=10
        )
        answer.raise_for_status()
        return answer.json()

    def batches(self) -> dict[str, int]:
        return {kind: counts["batches"] for kind, counts in self.tms_summary().items()}
