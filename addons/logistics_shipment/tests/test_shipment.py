from datetime import datetime, timedelta
from unittest.mock import patch

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError
from odoo.tools import mute_logger

from .common import LogisticsShipmentCase

T0 = datetime(2026, 11, 1, 8, 0)


class TestShipment(LogisticsShipmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create(
            {"name": "Pallet of widgets", "is_storable": True, "weight": 120.0}
        )
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "order_line": [(0, 0, {"product_id": cls.product.id, "product_uom_qty": 2})],
            }
        )
        cls.order.action_confirm()
        cls.picking = cls.order.picking_ids

    def test_reference_and_correlation_come_from_sequence_and_order(self):
        self.assertTrue(self.order.logistics_correlation_id)
        shipment = self._create_shipment(sale_order_id=self.order.id, picking_id=self.picking.id)
        self.assertTrue(shipment.name.startswith("SHP/"))
        self.assertEqual(shipment.correlation_id, self.order.logistics_correlation_id)
        standalone = self._create_shipment()
        self.assertTrue(standalone.correlation_id)
        self.assertNotEqual(standalone.correlation_id, shipment.correlation_id)

    def test_reconfirming_keeps_the_correlation_id(self):
        correlation = self.order.logistics_correlation_id
        self.order._action_cancel()
        self.order.action_draft()
        self.order.action_confirm()
        self.assertEqual(self.order.logistics_correlation_id, correlation)

    def test_a_delivery_has_one_shipment(self):
        self._create_shipment(picking_id=self.picking.id)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self._create_shipment(picking_id=self.picking.id)

    def test_tms_reference_unique_per_company(self):
        self._create_shipment(tms_reference="TMS-1")
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self._create_shipment(tms_reference="TMS-1")

    def test_state_follows_milestones_by_event_time_not_arrival(self):
        shipment = self._create_shipment()
        self.assertEqual(shipment.state, "draft")
        self._add_milestone(shipment, "shipment_planned", T0)
        self._add_milestone(shipment, "delivered", T0 + timedelta(hours=24))
        self.assertEqual(shipment.state, "delivered")
        self._add_milestone(shipment, "in_transit", T0 + timedelta(hours=5))
        self.assertEqual(shipment.state, "delivered")
        self.assertEqual(shipment.actual_delivery_date, T0 + timedelta(hours=24))
        self.assertEqual(shipment.last_milestone_id.event_type_id.code, "delivered")

    def test_exception_and_its_resolution(self):
        shipment = self._create_shipment()
        self._add_milestone(shipment, "picked_up", T0)
        self._add_milestone(shipment, "exception_raised", T0 + timedelta(hours=3))
        self.assertEqual(shipment.state, "exception")
        self._add_milestone(shipment, "in_transit", T0 + timedelta(hours=6))
        self.assertEqual(shipment.state, "in_transit")
        self.assertEqual(shipment.actual_pickup_date, T0)

    def test_source_event_is_unique_per_endpoint(self):
        shipment = self._create_shipment()
        self._add_milestone(
            shipment, "in_transit", T0, endpoint_id=self.endpoint.id, external_event_id="evt-1"
        )
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self._add_milestone(
                shipment,
                "in_transit",
                T0,
                endpoint_id=self.endpoint.id,
                external_event_id="evt-1",
            )

    def test_a_batch_of_milestones_has_defaults_and_company_check_of_single_ones(self):
        own, foreign = (
            self._create_shipment(),
            self._create_shipment(company_id=self.other_company.id),
        )
        Milestone = self.env["logistics.milestone"]

        def batch(shipment, codes):
            return [
                {
                    "shipment_id": shipment.id,
                    "event_type_id": self.event_types[code].id,
                    "event_time": T0 + timedelta(hours=hour),
                    "endpoint_id": self.endpoint.id,
                    "external_event_id": f"{shipment.name}-{code}",
                }
                for hour, code in enumerate(codes)
            ]

        milestones = Milestone.create(batch(own, ["picked_up", "in_transit", "delivered"]))
        self.assertTrue(all(milestones.mapped("received_time")))
        self.assertEqual(own.state, "delivered")
        # The endpoint belongs to the shipments' company only: one foreign shipment
        # in a batch refuses the batch, as it refuses a single milestone.
        mixed = batch(own, ["out_for_delivery"]) + batch(foreign, ["picked_up"])
        for vals_list in (mixed, mixed[1:]):
            with (
                self.assertRaisesRegex(UserError, "Incompatible companies"),
                self.env.cr.savepoint(),
            ):
                Milestone.create(vals_list)
        self.assertEqual(own.state, "delivered")
        self.assertFalse(foreign.milestone_ids)

    def test_customer_visibility_defaults_from_the_catalogue(self):
        shipment = self._create_shipment()
        visible = self._add_milestone(shipment, "in_transit", T0)
        hidden = self._add_milestone(shipment, "invoice_approved", T0)
        self.assertTrue(visible.customer_visible)
        self.assertFalse(hidden.customer_visible)
        self.assertEqual(visible.customer_label, "On its way")

    def test_a_milestone_without_its_event_yet_is_hidden_until_one_is_chosen(self):
        shipment = self._create_shipment()
        draft = self.env["logistics.milestone"].new({"shipment_id": shipment.id, "event_time": T0})
        self.assertEqual(draft._event_facts()[draft.id], (False, False, 0, False))
        self.assertFalse(draft.customer_visible)
        draft.event_type_id = self.event_types["in_transit"]
        self.assertEqual(draft._event_facts()[draft.id].code, "in_transit")
        self.assertTrue(draft.customer_visible)

    def test_a_milestone_takes_its_shipments_company_and_an_explicit_visibility(self):
        own = self._create_shipment()
        foreign = self._create_shipment(company_id=self.other_company.id)
        milestones = self.env["logistics.milestone"].create(
            [
                {
                    "shipment_id": shipment.id,
                    "event_type_id": self.event_types["in_transit"].id,
                    "event_time": T0,
                }
                for shipment in (own, foreign)
            ]
            + [
                {
                    "shipment_id": own.id,
                    "event_type_id": self.event_types["in_transit"].id,
                    "event_time": T0,
                    "customer_visible": False,
                }
            ]
        )
        self.assertEqual(milestones.mapped("company_id"), own.company_id | self.other_company)
        self.assertEqual(milestones.mapped("customer_visible"), [True, True, False])
        self.env.invalidate_all()
        self.assertEqual(milestones[1].company_id, self.other_company)
        self.assertFalse(milestones[2].customer_visible)

    def test_a_batch_of_milestones_has_nothing_left_for_odoo_to_precompute(self):
        # Odoo builds a new record per created record that misses a precomputed value
        # (BaseModel._add_precomputed_values), which costs more than the insert: the
        # milestone's override of that step must leave no milestone to build or compute.
        Milestone = self.env["logistics.milestone"]
        shipments = self._create_shipment() | self._create_shipment(
            company_id=self.other_company.id
        )
        original_new = type(Milestone).new
        built = []

        def new(records, *args, **kwargs):
            built.append(args)
            return original_new(records, *args, **kwargs)

        with (
            patch.object(type(Milestone), "new", new),
            patch.object(type(Milestone), "_compute_customer_visible", autospec=True) as computed,
        ):
            milestones = Milestone.create(
                [
                    {
                        "shipment_id": shipment.id,
                        "event_type_id": self.event_types[code].id,
                        "event_time": T0,
                    }
                    for shipment in shipments
                    for code in ("in_transit", "invoice_approved")
                ]
            )
            self.env.flush_all()
        self.assertEqual(built, [])
        computed.assert_not_called()
        self.env.invalidate_all()
        self.assertEqual(
            [(m.company_id, m.customer_visible) for m in milestones],
            [
                (shipments[0].company_id, True),
                (shipments[0].company_id, False),
                (self.other_company, True),
                (self.other_company, False),
            ],
        )

    def test_a_catalogue_change_reaches_the_next_milestone_and_the_state(self):
        shipment = self._create_shipment()
        in_transit = self.event_types["in_transit"]
        self._add_milestone(shipment, "picked_up", T0)
        in_transit.customer_visible = False
        hidden = self._add_milestone(shipment, "in_transit", T0 + timedelta(hours=1))
        self.assertFalse(hidden.customer_visible)
        self.assertEqual(shipment.state, "in_transit")
        # Ranked below the pickup, the same event no longer moves the shipment on.
        in_transit.rank = self.event_types["picked_up"].rank - 1
        self._add_milestone(shipment, "in_transit", T0 + timedelta(hours=2))
        self.assertEqual(shipment.state, "picked_up")
        custom = self.env["logistics.event.type"].create(
            {
                "name": "Customs cleared",
                "code": "customs_cleared",
                "rank": 1,
                "category": "administrative",
                "customer_visible": True,
            }
        )
        milestone = self.env["logistics.milestone"].create(
            {"shipment_id": shipment.id, "event_type_id": custom.id, "event_time": T0}
        )
        self.assertTrue(milestone.customer_visible)
        custom.active = False
        self.assertEqual(milestone._event_facts()[milestone.id].code, "customs_cleared")

    def test_tracking_link_comes_from_the_carrier_for_the_tracking_number(self):
        product = self.env["product.product"].create({"name": "Freight", "type": "service"})
        carrier = self.env["delivery.carrier"].create(
            {
                "name": "Parcel Express",
                "product_id": product.id,
                "tracking_url": "https://track.example/?n=<shipmenttrackingnumber>",
            }
        )
        shipment = self.picking.logistics_shipment_ids or self._create_shipment(
            sale_order_id=self.order.id, picking_id=self.picking.id
        )
        self.assertFalse(shipment.tracking_url, "no tracking number yet")
        self.picking.write({"carrier_id": carrier.id, "carrier_tracking_ref": "PX123"})
        self.assertEqual(shipment.tracking_number, "PX123")
        self.assertEqual(shipment.tracking_url, "https://track.example/?n=PX123")
        # The carrier transporting it (the TMS's choice) gives the link.
        other = carrier.copy({"tracking_url": "https://other.example/t/<shipmenttrackingnumber>"})
        shipment.sudo().carrier_id = other
        self.assertEqual(shipment.tracking_url, "https://other.example/t/PX123")

    def test_freight_variance(self):
        shipment = self._create_shipment()
        charge = self.env["logistics.freight.charge"].create(
            {"shipment_id": shipment.id, "expected_amount": 200.0}
        )
        self.assertEqual(charge.variance, 0.0)
        charge.write({"actual_amount": 230.0, "has_actual": True})
        self.assertAlmostEqual(charge.variance, 30.0)
        self.assertAlmostEqual(charge.variance_percent, 15.0)
        self.assertEqual(shipment.expected_freight_amount, 200.0)
        self.assertEqual(shipment.actual_freight_amount, 230.0)

    def test_smart_buttons(self):
        shipment = self._create_shipment(sale_order_id=self.order.id, picking_id=self.picking.id)
        self.assertEqual(self.order.logistics_shipment_count, 1)
        self.assertEqual(self.picking.logistics_shipment_count, 1)
        self.assertEqual(self.order.action_view_logistics_shipments()["res_id"], shipment.id)
        self.assertEqual(self.picking.action_view_logistics_shipments()["res_id"], shipment.id)
        self.assertEqual(
            shipment.action_view_pickings()["domain"], [("id", "in", self.picking.ids)]
        )
        self.assertEqual(
            shipment.action_view_exchanges()["domain"],
            [("correlation_id", "=", shipment.correlation_id)],
        )

    def test_user_reads_timeline_but_cannot_forge_milestones(self):
        shipment = self._create_shipment()
        self._add_milestone(shipment, "in_transit", T0)
        as_user = shipment.with_user(self.logistics_user)
        self.assertEqual(as_user.milestone_ids.event_type_id.code, "in_transit")
        with self.assertRaises(AccessError):
            self.env["logistics.milestone"].with_user(self.logistics_user).create(
                {
                    "shipment_id": shipment.id,
                    "event_type_id": self.event_types["delivered"].id,
                    "event_time": T0,
                }
            )

    def test_other_company_shipments_are_invisible(self):
        own = self._create_shipment()
        foreign = self._create_shipment(company_id=self.other_company.id)
        self._add_milestone(foreign, "in_transit", T0)
        visible = self.env["logistics.shipment"].with_user(self.logistics_user).search([])
        self.assertIn(own, visible)
        self.assertNotIn(foreign, visible)
        milestones = self.env["logistics.milestone"].with_user(self.logistics_user).search([])
        self.assertFalse(milestones & foreign.milestone_ids)

    def test_delivered_shipment_validates_its_reserved_delivery(self):
        self.env["stock.quant"]._update_available_quantity(
            self.product, self.order.warehouse_id.lot_stock_id, 10
        )
        self.picking.action_assign()
        self.assertEqual(self.picking.state, "assigned")
        # The TMS export, when installed, already made the shipment on reservation.
        shipment = self.picking.logistics_shipment_ids or self._create_shipment(
            sale_order_id=self.order.id, picking_id=self.picking.id
        )
        self._add_milestone(shipment, "in_transit", T0)
        self.assertEqual(self.picking.state, "assigned")
        self._add_milestone(shipment, "delivered", T0 + timedelta(hours=5))
        self.assertEqual(self.picking.state, "done")
        self.assertEqual(self.order.order_line.qty_delivered, 2)
        self.assertFalse(shipment.activity_ids.filtered(lambda a: "Validate delivery" in a.summary))

    def test_delivery_is_validated_at_the_carriers_delivery_time(self):
        """The stock moves out when the carrier delivered, not when Odoo heard of it."""
        self.env["stock.quant"]._update_available_quantity(
            self.product, self.order.warehouse_id.lot_stock_id, 10
        )
        self.picking.action_assign()
        shipment = self.picking.logistics_shipment_ids or self._create_shipment(
            sale_order_id=self.order.id, picking_id=self.picking.id
        )
        delivered_at = T0 + timedelta(hours=5)
        self._add_milestone(shipment, "delivered", delivered_at)
        self.assertEqual(self.picking.state, "done")
        self.assertEqual(self.picking.date_done, delivered_at)
        self.assertEqual(set(self.picking.move_ids.mapped("date")), {delivered_at})
        self.assertEqual(set(self.picking.move_ids.move_line_ids.mapped("date")), {delivered_at})

    def test_delivered_shipment_without_reservation_asks_a_person(self):
        self.assertNotEqual(self.picking.state, "assigned", "no stock: nothing reserved")
        shipment = self.picking.logistics_shipment_ids or self._create_shipment(
            sale_order_id=self.order.id, picking_id=self.picking.id
        )
        shipment.user_id = self.logistics_user
        self._add_milestone(shipment, "delivered", T0)
        self.assertNotEqual(self.picking.state, "done")
        activity = shipment.activity_ids.filtered(lambda a: "Validate delivery" in a.summary)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.logistics_user)
        self.assertIn(self.picking.name, activity.summary)
        self.assertIn("not every quantity is reserved", activity.note)

    def test_kanban_columns_follow_the_lifecycle(self):
        groups = self.env["logistics.shipment"].web_read_group(
            [("id", "=", 0)], ["state"], ["state"]
        )["groups"]
        self.assertEqual(
            [group["state"] for group in groups],
            [
                "draft",
                "shipment_planned",
                "picked_up",
                "in_transit",
                "out_for_delivery",
                "available_for_pickup",
                "exception",
                "delivered",
                "returned",
                "cancelled",
            ],
        )
        arch = self.env["logistics.shipment"].get_view(view_type="kanban")["arch"]
        self.assertIn("Exception</span>", arch)

    def test_customer_form_has_a_shipments_button(self):
        contact = self.env["res.partner"].create(
            {"name": "Acme buyer", "parent_id": self.customer.id}
        )
        shipment = self._create_shipment(partner_id=contact.id)
        self._create_shipment()
        partner = self.customer.with_user(self.logistics_user)
        self.assertEqual(partner.logistics_shipment_count, 2)
        action = partner.action_view_logistics_shipments()
        self.assertIn(shipment.id, action["domain"][0][2])
        arch = self.env["res.partner"].get_view(view_type="form")["arch"]
        self.assertIn("action_view_logistics_shipments", arch)

    def test_reference_lookups_use_a_btree_index(self):
        """Sources name shipments by reference, a batch at a time: a b-tree serves ``in``
        lookups; a trigram index answered them from a pending list every state change grew."""
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'logistics_shipment__name_index'"
        )
        (definition,) = self.env.cr.fetchone()
        self.assertIn("USING btree", definition)
        shipments = self._create_shipment() | self._create_shipment()
        found = self.env["logistics.shipment"].search([("name", "in", shipments.mapped("name"))])
        self.assertEqual(found, shipments)
