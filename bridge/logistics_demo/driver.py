"""Drives demo orders through Odoo over JSON-RPC and reads back what happened."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from logistics_bridge.config import OdooSettings
from logistics_bridge.exceptions import OdooRpcError
from logistics_bridge.odoo_client import OdooClient
from pydantic import SecretStr

_logger = logging.getLogger(__name__)

FINAL_STATES = ("delivered", "returned", "cancelled")


@dataclass
class OrderTrace:
    """One demo order and every exchange of its transaction."""

    order: str
    correlation_id: str
    shipment: str = ""
    tms_reference: str = ""
    state: str = ""
    charges: list[str] = field(default_factory=list)
    exchanges: list[str] = field(default_factory=list)


class DemoDriver:
    """Creates and confirms sale orders as the admin user, then follows them."""

    def __init__(self, url: str, database: str, login: str, password: str) -> None:
        self.client = OdooClient(
            OdooSettings(url=url, db=database, login=login, api_key=SecretStr(password))
        )

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.client.execute_kw(model, method, list(args), kwargs)

    def confirm_orders(
        self,
        product_id: int,
        carrier_id: int,
        partner_ids: list[int],
        count: int,
        first_index: int = 0,
    ) -> list[int]:
        """Create ``count`` orders over the demo customers, rate their freight, confirm them.

        ``first_index`` numbers them on from orders confirmed earlier in the same run.
        """
        order_ids = []
        for index in range(first_index, first_index + count):
            order_id = self.call(
                "sale.order",
                "create",
                {
                    "partner_id": partner_ids[index % len(partner_ids)],
                    "client_order_ref": f"DEMO-{index + 1}",
                    "order_line": [
                        (0, 0, {"product_id": product_id, "product_uom_qty": 1 + index % 3})
                    ],
                },
            )
            wizard = self.call(
                "choose.delivery.carrier",
                "create",
                {"order_id": order_id, "carrier_id": carrier_id},
            )
            self.call("choose.delivery.carrier", "update_price", [wizard])
            self.call("choose.delivery.carrier", "button_confirm", [wizard])
            self.call("sale.order", "action_confirm", [order_id])
            order_ids.append(order_id)
        return order_ids

    def shipments(self, order_ids: list[int]) -> list[dict[str, Any]]:
        return self.call(
            "logistics.shipment",
            "search_read",
            [("sale_order_id", "in", order_ids)],
            fields=["name", "sale_order_id", "state", "tms_reference", "correlation_id"],
        )

    def settled_count(self, order_ids: list[int]) -> int:
        """Shipments in a final state whose freight charges were reconciled."""
        shipments = self.shipments(order_ids)
        final_ids = [s["id"] for s in shipments if s["state"] in FINAL_STATES]
        reconciled = self.call(
            "logistics.freight.charge",
            "search_read",
            [("shipment_id", "in", final_ids), ("state", "!=", "pending")],
            fields=["shipment_id"],
        )
        return len({charge["shipment_id"][0] for charge in reconciled})

    def wait_until_settled(self, order_ids: list[int], timeout: float) -> bool:
        """Wait until every order is delivered with its charges reconciled; False on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            settled = self.settled_count(order_ids)
            _logger.info("%d/%d orders delivered with charges reconciled", settled, len(order_ids))
            if settled == len(order_ids):
                return True
            time.sleep(2)
        return False

    def invoice(self, order_ids: list[int]) -> dict[int, str]:
        """Invoice each order and post the invoice; the outcome per order, in words."""
        outcomes = {}
        for order_id in order_ids:
            try:
                wizard = self.call(
                    "sale.advance.payment.inv",
                    "create",
                    {"advance_payment_method": "delivered", "sale_order_ids": [(6, 0, [order_id])]},
                )
                self.call("sale.advance.payment.inv", "create_invoices", [wizard])
                moves = self.call(
                    "account.move",
                    "search",
                    [("line_ids.sale_line_ids.order_id", "=", order_id), ("state", "=", "draft")],
                )
                self.call("account.move", "action_post", moves)
                names = self.call("account.move", "read", moves, fields=["name"])
                outcomes[order_id] = "invoiced " + ", ".join(m["name"] for m in names)
            except OdooRpcError as exc:
                outcomes[order_id] = f"invoice refused: {exc}"
        return outcomes

    def traces(self, order_ids: list[int]) -> list[OrderTrace]:
        orders = self.call(
            "sale.order", "read", order_ids, fields=["name", "logistics_correlation_id"]
        )
        shipments = {s["sale_order_id"][0]: s for s in self.shipments(order_ids)}
        traces = []
        for order in orders:
            trace = OrderTrace(order["name"], order["logistics_correlation_id"] or "")
            shipment = shipments.get(order["id"])
            if shipment:
                trace.shipment = shipment["name"]
                trace.tms_reference = shipment["tms_reference"] or ""
                trace.state = shipment["state"]
                for charge in self.call(
                    "logistics.freight.charge",
                    "search_read",
                    [("shipment_id", "=", shipment["id"])],
                    fields=["charge_type", "expected_amount", "actual_amount", "state"],
                ):
                    trace.charges.append(
                        f"{charge['charge_type']}: expected {charge['expected_amount']:.2f}, "
                        f"actual {charge['actual_amount']:.2f} -> {charge['state']}"
                    )
            for log in self.call(
                "logistics.integration.log",
                "search_read",
                [("correlation_id", "=", trace.correlation_id)],
                fields=["create_date", "direction", "operation", "state", "http_status"],
                order="create_date asc, id asc",
            ):
                status = f" HTTP {log['http_status']}" if log["http_status"] else ""
                trace.exchanges.append(
                    f"{log['create_date']}  {log['direction']:<8} "
                    f"{log['operation'] or '':<24} {log['state']}{status}"
                )
            traces.append(trace)
        return traces

    def overview(self) -> list[str]:
        """The cards of Logistics > Overview, one line each (empty without the addon)."""
        try:
            cards = self.call(
                "logistics.overview.card",
                "search_read",
                [],
                fields=[
                    "name",
                    "kind",
                    "exchange_count",
                    "failure_count",
                    "failure_rate",
                    "duration_p50_ms",
                    "duration_p95_ms",
                    "job_pending_count",
                    "job_failed_count",
                    "review_count",
                    "bridge_count",
                    "bridge_stale_count",
                    "indicator_count",
                ],
            )
        except OdooRpcError as exc:
            _logger.warning("no overview: %s", exc)
            return []
        lines = []
        for card in cards:
            if card["kind"] == "endpoint":
                lines.append(
                    f"{card['name']}: {card['exchange_count']} exchanges (24 h), "
                    f"{card['failure_count']} failed ({card['failure_rate']:.1f} %), "
                    f"p50 {card['duration_p50_ms']:.0f} ms, p95 {card['duration_p95_ms']:.0f} ms, "
                    f"jobs {card['job_pending_count']} pending, {card['job_failed_count']} failed, "
                    f"{card['review_count']} to review, bridges {card['bridge_count']} "
                    f"({card['bridge_stale_count']} stale)"
                )
            else:
                lines.append(f"{card['name']}: {card['indicator_count']}")
        return lines
