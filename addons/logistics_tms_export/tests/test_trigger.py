from unittest import mock

from odoo.addons.queue_job.job import identity_exact

from .common import TmsExportCase, trap_jobs


class TestTrigger(TmsExportCase):
    def test_reserved_delivery_enqueues_one_export(self):
        with trap_jobs() as trap:
            order = self._create_order()
            shipment = order.logistics_shipment_ids
            message = self._last_message(shipment)
            trap.assert_jobs_count(1)
            trap.assert_enqueued_job(
                message._send,
                properties={
                    "channel": "root.logistics.test_tms",
                    "identity_key": identity_exact,
                    "max_retries": 3,
                },
            )
        self.assertEqual(shipment.picking_id, order.picking_ids)
        self.assertEqual(shipment.export_state, "queued")
        self.assertEqual(shipment.user_id, self.salesperson)
        self.assertEqual(shipment.correlation_id, order.logistics_correlation_id)
        self.assertEqual(message.http_method, "POST")
        self.assertEqual(message.path, "/v1/orders")
        self.assertEqual(message.payload_version, 1)
        self.assertTrue(message.idempotency_key.endswith(f"-{shipment.id}-tms_order_create-v1"))
        self.assertIn(order.logistics_correlation_id, message.payload)

    def test_unreserved_delivery_waits_for_allocation(self):
        product = self._create_product("Backordered", "BO-1", weight=3.0, stock=0)
        with trap_jobs() as trap:
            order = self._create_order(product=product)
            self.assertFalse(order.logistics_shipment_ids)
            trap.assert_jobs_count(0)
            self.env["stock.quant"]._update_available_quantity(
                product, self.warehouse.lot_stock_id, 10
            )
            order.picking_ids.action_assign()
            trap.assert_jobs_count(1)
        self.assertEqual(order.logistics_shipment_ids.export_state, "queued")

    def test_confirmation_trigger_does_not_wait_for_stock(self):
        self.company.logistics_tms_export_trigger = "confirmation"
        product = self._create_product("Made to order", "MTO-1", weight=3.0, stock=0)
        with trap_jobs() as trap:
            order = self._create_order(product=product)
            trap.assert_jobs_count(1)
        self.assertEqual(order.picking_ids.state, "confirmed")
        self.assertEqual(order.logistics_shipment_ids.export_state, "queued")

    def test_racing_triggers_give_one_shipment_and_one_export(self):
        with trap_jobs() as trap:
            order = self._create_order()
            picking = order.picking_ids
            shipment_model = self.env["logistics.shipment"]
            again = shipment_model._tms_export_pickings(picking)
            picking._logistics_on_reserved()
            trap.assert_jobs_count(1)
        self.assertEqual(again, order.logistics_shipment_ids)
        self.assertEqual(len(shipment_model.search([("picking_id", "=", picking.id)])), 1)
        self.assertEqual(len(again._tms_messages()), 1)

    def test_race_lost_on_the_unique_constraint_returns_the_winner(self):
        """The second trigger does not see the first shipment and hits the constraint."""
        with trap_jobs():
            order = self._create_order()
        winner = order.logistics_shipment_ids
        shipment_model = self.env["logistics.shipment"]
        real_search = type(shipment_model).search
        calls = []

        def blind_first_search(records, domain, *args, **kwargs):
            if domain == [("picking_id", "=", winner.picking_id.id)] and not calls:
                calls.append(domain)
                return records.browse()
            return real_search(records, domain, *args, **kwargs)

        with mock.patch.object(type(shipment_model), "search", blind_first_search):
            result = shipment_model._tms_get_or_create(winner.picking_id)
        self.assertEqual(calls, [[("picking_id", "=", winner.picking_id.id)]])
        self.assertEqual(result, winner)
        self.assertEqual(
            shipment_model.search_count([("picking_id", "=", winner.picking_id.id)]), 1
        )

    def test_incomplete_order_is_blocked_with_every_field_named(self):
        partner = self.env["res.partner"].create(
            {"name": "Nowhere Ltd", "city": "Ghent", "country_id": self.env.ref("base.be").id}
        )
        weightless = self._create_product("Air", "AIR-1", weight=0.0)
        with trap_jobs() as trap:
            order = self._create_order(partner=partner, product=weightless)
            trap.assert_jobs_count(0)
        shipment = order.logistics_shipment_ids
        self.assertEqual(shipment.export_state, "blocked")
        reason = shipment.export_blocked_reason
        for expected in (
            "ship-to street: missing",
            "ship-to ZIP: missing",
            "contact phone or e-mail",
            "line 1 (AIR-1) weight kg: must be greater than 0",
            "total weight: must be greater than 0",
        ):
            self.assertIn(expected, reason)
        self.assertNotIn("city", reason)
        activity = shipment.activity_ids
        self.assertEqual(activity.user_id, self.salesperson)
        self.assertIn("ship-to street", activity.note)
        self.assertFalse(shipment._tms_messages())

        # Fixing the data re-validates on its own once everything is there.
        with trap_jobs() as trap:
            weightless.weight = 4.0
            partner.write({"street": "Korenmarkt 1", "zip": "9000", "phone": "+32 9 000"})
            trap.assert_jobs_count(1)
        self.assertEqual(shipment.export_state, "queued")
        self.assertFalse(shipment.export_blocked_reason)
        self.assertFalse(shipment.activity_ids)

    def test_revalidate_button_requeues(self):
        partner = self.env["res.partner"].create(
            {
                "name": "Late Data",
                "street": "Main 1",
                "city": "Ghent",
                "zip": "9000",
                "country_id": self.env.ref("base.be").id,
            }
        )
        with trap_jobs():
            order = self._create_order(partner=partner)
        shipment = order.logistics_shipment_ids
        self.assertEqual(shipment.export_state, "blocked")
        self.assertIn("contact phone or e-mail", shipment.export_blocked_reason)
        with trap_jobs() as trap:
            # Written without the partner hook so only the button re-validates.
            self.env.cr.execute(
                "UPDATE res_partner SET email = 'late@example.com' WHERE id = %s", [partner.id]
            )
            partner.invalidate_recordset(["email"])
            shipment.action_tms_revalidate()
            trap.assert_jobs_count(1)
        self.assertEqual(shipment.export_state, "queued")

    def test_no_default_tms_blocks(self):
        self.company.logistics_tms_endpoint_id = False
        with trap_jobs() as trap:
            order = self._create_order()
            trap.assert_jobs_count(0)
        shipment = order.logistics_shipment_ids
        self.assertEqual(shipment.export_state, "blocked")
        self.assertIn("no default TMS", shipment.export_blocked_reason)

    def test_shop_without_a_tms_gets_no_tms_activity(self):
        """A carrier-only shop: shipments for the carrier's milestones, nothing to send."""
        self.company.logistics_tms_endpoint_id = False
        self._archive_tms_endpoints()
        self._create_endpoint(name="Parcel carrier", code="parcels", kind="carrier")
        self._create_endpoint(
            name="Other company's TMS", code="other_tms", company_id=self.other_company.id
        )
        with trap_jobs() as trap:
            order = self._create_order()
            trap.assert_jobs_count(0)
        shipment = order.logistics_shipment_ids
        self.assertEqual(shipment.picking_id, order.picking_ids)
        self.assertEqual(shipment.export_state, "not_exported")
        self.assertFalse(shipment.export_blocked_reason)
        self.assertFalse(shipment.activity_ids)
