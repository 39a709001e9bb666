"""What follows delivery in the demo: a return, the damaged order's service case and
the carrier's bills, each driven through Odoo's own flows over JSON-RPC."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from .driver import DemoDriver

_logger = logging.getLogger(__name__)

# A carrier bill outside the freight audit's tolerance: 40 % over the approved freight.
OVERBILLED_FACTOR = 1.4


class FlowTimeout(Exception):
    """A step after delivery did not happen in time."""


@dataclass
class ReturnOutcome:
    original: str
    shipment: str
    state: str
    tms_reference: str
    picking: str
    picking_state: str
    correlation_id: str

    def line(self) -> str:
        return (
            f"return {self.shipment} of {self.original}: {self.state} (TMS {self.tms_reference}), "
            f"return picking {self.picking} {self.picking_state}, "
            f"correlation id {self.correlation_id}"
        )


@dataclass
class CaseOutcome:
    name: str
    shipment: str
    case_type: str
    owner: str
    due: str
    state: str
    correlation_id: str

    def line(self) -> str:
        return (
            f"case {self.name} on {self.shipment}: {self.case_type}, {self.state}, "
            f"owner {self.owner}, due {self.due}, correlation id {self.correlation_id}"
        )


@dataclass
class BillOutcome:
    name: str
    bill_id: int
    shipment: str
    billed: float
    settlement: str
    reason: str
    activity: str
    correlation_id: str

    def line(self) -> str:
        line = (
            f"carrier bill {self.name} for {self.shipment}: billed {self.billed:.2f} "
            f"-> {self.settlement}"
        )
        if self.reason:
            line += f" ({self.reason.strip()}; activity for {self.activity})"
        return f"{line}, correlation id {self.correlation_id}"


@dataclass
class AfterDeliveryReport:
    """What followed delivery: one return, the damage cases, the carrier bills."""

    returned: ReturnOutcome
    cases: list[CaseOutcome]
    bills: list[BillOutcome]

    def lines(self) -> list[str]:
        return [
            self.returned.line(),
            *(case.line() for case in self.cases),
            *(bill.line() for bill in self.bills),
        ]


class AfterDelivery:
    """Drives the flows that follow delivery, as the admin user."""

    def __init__(self, driver: DemoDriver, poll_seconds: float = 2.0) -> None:
        self.driver = driver
        self.poll_seconds = poll_seconds

    def _wait_for(self, read: Any, timeout: float, what: str) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            found = read()
            if found:
                return found
            if time.monotonic() >= deadline:
                raise FlowTimeout(f"timed out after {timeout:.0f}s waiting for {what}")
            _logger.info("waiting for %s", what)
            time.sleep(self.poll_seconds)

    def _shipments(self, domain: list) -> list[dict[str, Any]]:
        return self.driver.call(
            "logistics.shipment",
            "search_read",
            domain,
            fields=[
                "name",
                "state",
                "tms_reference",
                "correlation_id",
                "picking_id",
                "carrier_id",
            ],
            order="id",
        )

    def delivered_shipments(self, order_ids: list[int]) -> list[dict[str, Any]]:
        return self._shipments([("sale_order_id", "in", order_ids), ("state", "=", "delivered")])

    def return_delivery(self, shipment: dict[str, Any], timeout: float) -> ReturnOutcome:
        """Return everything ``shipment`` delivered with stock's return wizard, follow
        the return shipment until the TMS reports it returned, then receive the goods."""
        call = self.driver.call
        picking_id = shipment["picking_id"][0]
        context = {"active_id": picking_id, "active_model": "stock.picking"}
        wizard = call("stock.return.picking", "create", {"picking_id": picking_id}, context=context)
        [read] = call("stock.return.picking", "read", [wizard], fields=["product_return_moves"])
        # Odoo 18 proposes no quantity: returning is the user's choice of what comes back.
        for line in call(
            "stock.return.picking.line",
            "read",
            read["product_return_moves"],
            fields=["move_quantity"],
        ):
            call(
                "stock.return.picking.line",
                "write",
                [line["id"]],
                {"quantity": line["move_quantity"]},
            )
        action = call("stock.return.picking", "action_create_returns", [wizard], context=context)
        return_picking_id = action["res_id"]
        [returned] = self._wait_for(
            lambda: self._shipments(
                [("return_of_id", "=", shipment["id"]), ("state", "=", "returned")]
            ),
            timeout,
            f"the return of {shipment['name']} to be reported returned",
        )
        # The goods are back at the warehouse: receive them as Odoo's flow asks.
        moves = call("stock.move", "search", [("picking_id", "=", return_picking_id)])
        call("stock.move", "write", moves, {"picked": True})
        call("stock.picking", "button_validate", [return_picking_id])
        [picking] = call("stock.picking", "read", [return_picking_id], fields=["name", "state"])
        return ReturnOutcome(
            original=shipment["name"],
            shipment=returned["name"],
            state=returned["state"],
            tms_reference=returned["tms_reference"] or "",
            picking=picking["name"],
            picking_state=picking["state"],
            correlation_id=returned["correlation_id"] or "",
        )

    def damage_cases(self, shipment_ids: list[int], timeout: float) -> list[CaseOutcome]:
        """The service cases opened on ``shipment_ids`` (at least one is awaited)."""
        cases = self._wait_for(
            lambda: self.driver.call(
                "logistics.case",
                "search_read",
                [("shipment_id", "in", shipment_ids)],
                fields=[
                    "name",
                    "shipment_id",
                    "case_type_id",
                    "user_id",
                    "date_deadline",
                    "state",
                    "correlation_id",
                ],
                order="id",
            ),
            timeout,
            "a service case on a damaged shipment",
        )
        return [
            CaseOutcome(
                name=case["name"],
                shipment=case["shipment_id"][1],
                case_type=case["case_type_id"][1],
                owner=case["user_id"][1] if case["user_id"] else "-",
                due=case["date_deadline"],
                state=case["state"],
                correlation_id=case["correlation_id"] or "",
            )
            for case in cases
        ]

    def enter_carrier_bill(self, shipment: dict[str, Any], amount: float) -> int:
        """A vendor bill of the shipment's carrier naming the shipment, as a clerk enters it."""
        call = self.driver.call
        [carrier] = call(
            "delivery.carrier", "read", [shipment["carrier_id"][0]], fields=["logistics_partner_id"]
        )
        return call(
            "account.move",
            "create",
            {
                "move_type": "in_invoice",
                "partner_id": carrier["logistics_partner_id"][0],
                "ref": f"FREIGHT-{shipment['name']}",
                "invoice_date": time.strftime("%Y-%m-%d"),
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {
                            "name": f"Freight {shipment['name']}",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [(6, 0, [])],
                            "logistics_shipment_ref": shipment["name"],
                            "logistics_charge_type": "base_freight",
                        },
                    )
                ],
            },
        )

    def approved_freight(self, shipment: dict[str, Any]) -> float:
        charges = self.driver.call(
            "logistics.freight.charge",
            "search_read",
            [
                ("shipment_id", "=", shipment["id"]),
                ("charge_type", "=", "base_freight"),
                ("state", "=", "approved"),
            ],
            fields=["actual_amount"],
        )
        return sum(charge["actual_amount"] for charge in charges)

    def run_settlement(self) -> None:
        """The carrier settlement batch, run now rather than at its daily window."""
        lines = self.driver.call(
            "logistics.data.ownership", "search", [("domain", "=", "carrier_settlement")]
        )
        self.driver.call("logistics.data.ownership", "action_run_now", lines)

    def settle_bills(
        self, matching: dict[str, Any], overbilled: dict[str, Any]
    ) -> list[BillOutcome]:
        """One bill at the approved freight, one over it; the settlement batch sorts them."""
        bills = {
            self.enter_carrier_bill(matching, self.approved_freight(matching)): matching,
            self.enter_carrier_bill(
                overbilled, round(self.approved_freight(overbilled) * OVERBILLED_FACTOR, 2)
            ): overbilled,
        }
        self.run_settlement()
        return [self.bill_outcome(bill_id, shipment) for bill_id, shipment in bills.items()]

    def bill_outcome(self, bill_id: int, shipment: dict[str, Any]) -> BillOutcome:
        call = self.driver.call
        [bill] = call(
            "account.move",
            "read",
            [bill_id],
            fields=[
                "ref",
                "amount_untaxed",
                "logistics_settlement_state",
                "logistics_hold_reason",
                "activity_ids",
            ],
        )
        activities = call("mail.activity", "read", bill["activity_ids"], fields=["user_id"])
        return BillOutcome(
            name=bill["ref"],
            bill_id=bill_id,
            shipment=shipment["name"],
            billed=bill["amount_untaxed"],
            settlement=bill["logistics_settlement_state"] or "",
            reason=bill["logistics_hold_reason"] or "",
            activity=", ".join(a["user_id"][1] for a in activities if a["user_id"]) or "-",
            correlation_id=shipment["correlation_id"] or "",
        )

    def run(self, order_ids: list[int], timeout: float) -> AfterDeliveryReport:
        """The damaged order's case, a return of another delivered order, and a matching
        and an overbilled carrier bill for two more (or the same, with few orders)."""
        delivered = self.delivered_shipments(order_ids)
        if not delivered:
            raise FlowTimeout("no delivered order to return or bill")
        cases = self.damage_cases([s["id"] for s in delivered], timeout)
        damaged = {case.shipment for case in cases}
        intact = [s for s in delivered if s["name"] not in damaged] or delivered
        returned = self.return_delivery(intact[0], timeout)
        bills = self.settle_bills(intact[0], intact[1] if len(intact) > 1 else delivered[-1])
        return AfterDeliveryReport(returned, cases, bills)
