from datetime import datetime

import responses

from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.logistics_tms_export.models.logistics_shipment import ORDER_EXCHANGE_TYPES
from odoo.addons.logistics_tms_export.tests.common import TmsExportCase, trap_jobs

from .common import new_role_user

FREIGHT_AUDITOR = "logistics_settlement.group_freight_auditor"
LOGISTICS_USER = "logistics_integration.group_logistics_user"
LOGISTICS_MANAGER = "logistics_integration.group_logistics_manager"
INTEGRATION_ADMIN = "logistics_integration.group_integration_admin"
BRIDGE = "logistics_inbound.group_logistics_bridge"
REFERENCE = "ROLE-100"


@tagged("post_install", "-at_install")
class TestRoleTours(TmsExportCase, HttpCase):
    """Each role, as a freshly created user, walks the Logistics app in a browser over
    one order's whole story, so every screen has something of each kind to show: its
    export and the TMS's answer, milestones, an unmapped code waiting for review,
    freight over tolerance, a service case, a return, a held carrier bill and a
    bridge heartbeat."""

    # TmsExportCase puts the registry in test mode itself.
    registry_test_mode = False

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
        """An order with freight, exported to the TMS, planned and picked."""
        order = cls._create_order(confirm=False)
        order.set_delivery_line(cls.carrier, 100.0)
        with trap_jobs():
            order.action_confirm()
        shipment = order.logistics_shipment_ids
        with responses.RequestsMock() as mocked:
            mocked.post(
                f"{cls.endpoint.base_url}/v1/orders",
                status=201,
                json={"planning_reference": REFERENCE},
            )
            shipment._tms_messages(ORDER_EXCHANGE_TYPES)[:1]._send()
        picking = shipment.picking_id
        picking.move_ids.quantity = 2.0
        picking.move_ids.picked = True
        picking.button_validate()
        return order, shipment

    @classmethod
    def _ingest_story(cls):
        """The TMS reports pickup, delivery, a code nobody mapped and freight 80 % over."""

        def event(event_id, event_type, hour, **payload):
            return {
                "event_id": event_id,
                "event_type": event_type,
                "shipment_reference": REFERENCE,
                "occurred_at": datetime(2026, 3, 2, hour, 0).isoformat() + "Z",
                "payload": payload,
                "schema_version": "1",
            }

        charge = {
            "external_id": f"{REFERENCE}-base",
            "charge_type": "base_freight",
            "amount": 180.0,
            "currency": cls.company.currency_id.name,
        }
        with trap_jobs() as trap:
            cls.env["logistics.ingest"].with_user(cls.bridge_user).ingest_events(
                cls.endpoint.code,
                [
                    event("role-1", "status", 8, status_code="AF"),
                    event("role-2", "status", 15, status_code="D1"),
                    event("role-3", "status", 16, status_code="ZZ-UNMAPPED"),
                    event("role-4", "charges", 17, charges=[charge]),
                ],
            )
            trap.perform_enqueued_jobs()

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

    def _walk_as(self, login, groups):
        """A new user with ``groups`` opens every Logistics menu it is shown (each view
        of its action, its newest record), then every figure of every Overview card;
        a failed request or an error dialog fails the tour with where it was."""
        new_role_user(self.env, login, groups, self.company)
        self.start_tour("/odoo", "logistics_role_menus", login=login, timeout=600)
        self.start_tour("/odoo", "logistics_overview_figures", login=login, timeout=600)

    def test_fixture_tells_a_whole_story(self):
        self.assertEqual(self.shipment.tms_reference, REFERENCE)
        self.assertEqual(self.shipment.state, "delivered")
        self.assertEqual(self.shipment.charge_ids.state, "on_hold")
        self.assertTrue(self.shipment.case_ids)
        self.assertTrue(self.shipment.return_ids)
        bill = self.env["account.move"].search([("partner_id", "=", self.vendor.id)])
        self.assertEqual(bill.logistics_settlement_state, "held")

    def test_logistics_user_walks_the_app(self):
        self._walk_as("role_user", LOGISTICS_USER)

    def test_logistics_manager_walks_the_app(self):
        self._walk_as("role_manager", LOGISTICS_MANAGER)

    def test_freight_auditor_walks_the_app(self):
        self._walk_as("role_auditor", FREIGHT_AUDITOR)

    def test_integration_administrator_walks_the_app(self):
        self._walk_as("role_integration_admin", INTEGRATION_ADMIN)

    def test_portal_customer_opens_my_shipments(self):
        new_test_user(
            self.env,
            login="role_portal",
            groups="base.group_portal",
            partner_id=self.customer_contact.id,
        )
        self.start_tour("/my", "logistics_portal_customer", login="role_portal")
