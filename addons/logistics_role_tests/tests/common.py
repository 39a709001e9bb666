import json
from datetime import datetime, timedelta

import responses

from odoo import fields
from odoo.tests import new_test_user

from odoo.addons.logistics_tms_export.models.logistics_shipment import (
    ORDER_CREATE_EXCHANGE_TYPE,
    ORDER_EXCHANGE_TYPES,
)
from odoo.addons.logistics_tms_export.tests.common import TmsExportCase, trap_jobs

FREIGHT_AUDITOR = "logistics_settlement.group_freight_auditor"
LOGISTICS_USER = "logistics_integration.group_logistics_user"
LOGISTICS_MANAGER = "logistics_integration.group_logistics_manager"
INTEGRATION_ADMIN = "logistics_integration.group_integration_admin"
BRIDGE = "logistics_inbound.group_logistics_bridge"
REFERENCE = "ROLE-100"
# The product's key at the TMS: the TMS holds another version of it.
PRODUCT_KEY = "WID-1"


def new_role_user(env, login, groups, companies):
    """A new internal user of ``groups`` (comma-separated XML ids) in ``companies``, the
    first its own, whose password is its login; no onboarding tips over the screens."""
    user = new_test_user(
        env,
        login=login,
        groups=f"base.group_user,{groups}",
        company_id=companies[:1].id,
        company_ids=[(6, 0, companies.ids)],
    )
    user.tour_enabled = False
    return user


def shown_logistics_menus(user):
    """The Logistics menus ``user`` is shown, as (path, action) pairs in the order of
    the menu tree the web client loads for them; only menus with an action."""
    menus = user.env["ir.ui.menu"].with_user(user).load_menus(debug=False)
    app = next(
        menus[menu_id]
        for menu_id in menus["root"]["children"]
        if menus[menu_id]["xmlid"] == "logistics_integration.menu_logistics_root"
    )
    shown = []

    def visit(menu, path):
        here = [*path, menu["name"]]
        if menu["action"]:
            shown.append((" / ".join(here), menu["action"]))
        for child in menu["children"]:
            visit(menus[child], here)

    visit(app, [])
    return shown


class RoleStoryCase(TmsExportCase):
    """One order's whole story, so every Logistics screen has something of each kind
    to show: the TMS's rate quotes, its export and the TMS's answer, milestones, a
    delivery window booked and confirmed (and a stale confirmation kept aside), the
    route and ETA, an unmapped code waiting for review, freight over tolerance, a
    service case, a return, a held carrier bill, a bridge heartbeat, master data
    acknowledged and in conflict and a configuration change waiting for approval."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bridge_user = cls._create_user("role_bridge", BRIDGE)
        cls.vendor = cls.env["res.partner"].create({"name": "Road Express Billing"})
        cls.carrier.logistics_partner_id = cls.vendor
        cls.customer_contact = cls.env["res.partner"].create(
            {"name": "Rita Retail", "parent_id": cls.ship_to.id, "email": "rita@acme.example"}
        )
        cls.order, cls.shipment = cls._ship_order()
        cls._ingest_story()
        cls._sync_master_data()
        cls.change_request = cls._request_contract_change()
        cls.env["logistics.case"].create(
            {
                "shipment_id": cls.shipment.id,
                "case_type_id": cls.env.ref("logistics_case.case_type_damage").id,
                "user_id": cls.logistics_manager.id,
                "date_deadline": datetime(2026, 3, 4, 12, 0),
            }
        )
        cls._return_one()
        cls._hold_a_carrier_bill()
        cls.env["logistics.bridge.instance"].with_user(cls.bridge_user).report_heartbeat(
            {
                "bridge_id": "role-bridge:8480",
                "host": "role-bridge",
                "version": "18.0.1.0.0",
                "endpoints": [cls.endpoint.code],
                "counts": {"pending": 1, "forwarded": 4, "rejected": 0, "failed": 0},
                "oldest_pending_age_seconds": 3.0,
                "interval_seconds": 30,
            }
        )

    @classmethod
    def _ship_order(cls):
        """An order the TMS quoted, shipped with the road carrier, exported to the TMS,
        planned and picked."""
        order = cls._create_order(confirm=False)
        cls._quote_rates(order)
        shipment = cls._export(order, REFERENCE)
        picking = shipment.picking_id
        picking.move_ids.quantity = 2.0
        picking.move_ids.picked = True
        picking.button_validate()
        return order, shipment

    @classmethod
    def _export(cls, order, reference):
        """``order`` confirmed with the road carrier's freight; its shipment, which the
        TMS took and planned as ``reference``."""
        order.set_delivery_line(cls.carrier, 100.0)
        with trap_jobs():
            order.action_confirm()
        shipment = order.logistics_shipment_ids
        with responses.RequestsMock() as mocked:
            mocked.post(
                f"{cls.endpoint.base_url}/v1/orders",
                status=201,
                json={"planning_reference": reference},
            )
            shipment._tms_messages(ORDER_EXCHANGE_TYPES)[:1]._send()
        return shipment

    @classmethod
    def _quote_rates(cls, order):
        """The Logistics TMS delivery method asks the TMS for the order's services (kept
        on the order) before the road carrier is chosen instead."""
        fallback = cls.env["delivery.carrier"].create(
            {
                "name": "Road Price Rules",
                "product_id": cls.carrier_product.id,
                "delivery_type": "fixed",
                "fixed_price": 95.0,
            }
        )
        tms_rates = cls.env["delivery.carrier"].create(
            {
                "name": "Logistics TMS",
                "product_id": cls.carrier_product.id,
                "delivery_type": "logistics_tms",
                "logistics_fallback_carrier_id": fallback.id,
            }
        )
        services = [
            {
                "carrier_code": "ROADX",
                "service_code": code,
                "name": name,
                "price": price,
                "currency": cls.company.currency_id.name,
                "transit_days": days,
                "quote_id": f"Q-{code}",
                "valid_until": "2099-01-01T12:00:00+00:00",
            }
            for code, name, price, days in (
                ("ECO", "Road Economy", 100.0, 3),
                ("EXP", "Road Express", 140.0, 1),
            )
        ]
        with responses.RequestsMock() as mocked:
            mocked.post(f"{cls.endpoint.base_url}/v1/rates", json={"services": services})
            tms_rates.rate_shipment(order)

    @classmethod
    def _ingest(cls, *events):
        with trap_jobs() as trap:
            cls.env["logistics.ingest"].with_user(cls.bridge_user).ingest_events(
                cls.endpoint.code, list(events)
            )
            trap.perform_enqueued_jobs()

    @staticmethod
    def _event(event_id, event_type, occurred_at, reference=REFERENCE, **payload):
        return {
            "event_id": event_id,
            "event_type": event_type,
            "shipment_reference": reference,
            "occurred_at": occurred_at.isoformat() + "Z",
            "payload": payload,
            "schema_version": "1",
        }

    @classmethod
    def _ingest_story(cls):
        """The TMS reports pickup and the shipment's place on the route (stop 3 of 7);
        the customer books a delivery window, the TMS confirms it, and an older
        confirmation arrives late; then delivery, a code nobody mapped and freight
        80 % over."""

        def at(hour):
            return datetime(2026, 3, 2, hour, 0)

        cls._ingest(
            cls._event("role-1", "status", at(8), status_code="AF"),
            cls._event(
                "role-2",
                "planning",
                at(9),
                eta=at(14).isoformat() + "Z",
                stop_sequence=3,
                stops_total=7,
                stops_before=2,
            ),
        )
        cls._book_window()
        charge = {
            "external_id": f"{REFERENCE}-base",
            "charge_type": "base_freight",
            "amount": 180.0,
            "currency": cls.company.currency_id.name,
        }
        cls._ingest(
            cls._event("role-5", "status", at(15), status_code="D1"),
            cls._event("role-6", "status", at(16), status_code="ZZ-UNMAPPED"),
            cls._event("role-7", "charges", at(17), charges=[charge]),
        )

    @classmethod
    def _book_window(cls):
        """The TMS offers two windows; the customer books the later one (its booking
        message sent to the TMS), which the TMS confirms; a confirmation of an earlier
        window, from before the booking, comes in after it and is not applied."""
        base = cls.endpoint.base_url
        tomorrow = fields.Datetime.now().replace(minute=0, second=0, microsecond=0) + timedelta(
            days=1
        )
        windows = {"S-1": tomorrow, "S-2": tomorrow + timedelta(hours=4)}
        slots = [
            {
                "slot_id": slot_id,
                "window_start": start.isoformat() + "Z",
                "window_end": (start + timedelta(hours=2)).isoformat() + "Z",
            }
            for slot_id, start in windows.items()
        ]
        with responses.RequestsMock() as mocked:
            mocked.post(f"{base}/v1/appointments/slots", json={"slots": slots})
            cls.shipment._fetch_appointment_slots()
        with trap_jobs():
            cls.shipment._request_appointment("S-2", reason="Gate B, dock closes at 18:00")
        booking = cls.shipment._tms_messages("tms_appointment_book")
        with responses.RequestsMock() as mocked:
            mocked.post(f"{base}/v1/appointments", status=202, json={"booking_id": "B-1"})
            booking._send()
        booked = cls.shipment.appointment_time

        def confirmation(event_id, occurred_at, slot_id, reason):
            start = windows[slot_id]
            return cls._event(
                event_id,
                "status",
                occurred_at,
                status_code="APPT_CONFIRMED",
                appointment_start=start.isoformat() + "Z",
                appointment_end=(start + timedelta(hours=2)).isoformat() + "Z",
                appointment_booking=1,
                appointment_reason=reason,
            )

        cls._ingest(
            confirmation("role-3", booked + timedelta(minutes=5), "S-2", "Dispatcher confirmed"),
            confirmation("role-4", booked - timedelta(hours=1), "S-1", "Provisional slot"),
        )

    @classmethod
    def _sync_master_data(cls):
        """The ship-to address and the product go to the TMS: it acknowledges the
        address and holds another version of the product (a conflict for a person)."""
        sync = cls.env["logistics.master.data.sync"]
        sync._send("partners", cls.endpoint, cls.ship_to)
        sync._send("products", cls.endpoint, cls.product)

        def answer(request):
            body = json.loads(request.body)
            results = [
                {
                    "key": record["key"],
                    "status": "conflict",
                    "version": 2,
                    "held": dict(record["data"], name="Pallet of widgets (TMS)"),
                }
                if record["key"] == PRODUCT_KEY
                else {"key": record["key"], "status": "accepted", "version": 1}
                for record in body["records"]
            ]
            return 200, {}, json.dumps({"results": results})

        messages = cls.env["logistics.outbound.message"].search(
            [("endpoint_id", "=", cls.endpoint.id), ("exchange_type_code", "like", "tms_master_")]
        )
        with responses.RequestsMock() as mocked:
            for kind in ("partners", "products"):
                mocked.add_callback(
                    responses.POST, f"{cls.endpoint.base_url}/v1/master-data/{kind}", answer
                )
            for message in messages:
                message._send()

    @classmethod
    def _request_contract_change(cls):
        """Another Integration Administrator moves the order contract to version 2:
        the change waits for a second administrator's approval."""
        requester = cls._create_user("role_cc_requester", INTEGRATION_ADMIN)
        exchange_type = cls.env["logistics.exchange.type"].search(
            [("endpoint_id", "=", cls.endpoint.id), ("code", "=", ORDER_CREATE_EXCHANGE_TYPE)]
        )
        exchange_type.with_user(requester).write({"schema_version": "2"})
        return cls.env["logistics.change.request"].search([("requested_by_id", "=", requester.id)])

    @classmethod
    def _return_one(cls):
        wizard = (
            cls.env["stock.return.picking"]
            .with_context(active_id=cls.shipment.picking_id.id, active_model="stock.picking")
            .create({})
        )
        wizard.product_return_moves.quantity = 1.0
        with trap_jobs():
            wizard.action_create_returns()

    @classmethod
    def _hold_a_carrier_bill(cls):
        cls.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": cls.vendor.id,
                "invoice_date": "2026-03-31",
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {
                            "name": f"Freight {REFERENCE}",
                            "quantity": 1,
                            "price_unit": 180.0,
                            "tax_ids": [(6, 0, [])],
                            "logistics_shipment_ref": REFERENCE,
                            "logistics_charge_type": "base_freight",
                        },
                    )
                ],
            }
        )
        settlement = cls.env["logistics.data.ownership"]._get_owner("carrier_settlement")
        settlement._run_batch(settlement._get_batch_window(datetime.now(), force=True))
