from datetime import datetime

from odoo.tests import HttpCase, tagged

from .common import LogisticsPortalCase, trap_jobs


@tagged("post_install", "-at_install")
class TestPortalTour(HttpCase, LogisticsPortalCase):
    """The customer's view after the carrier delivered, with the TMS's acknowledgement
    recorded later at Odoo's clock, an ETA the TMS gave before and the carrier's
    tracking number."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        product = cls.env["product.product"].create(
            {"name": "Portal tour pallet", "is_storable": True}
        )
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.contact_a.id,
                "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1})],
            }
        )
        cls.env["stock.quant"]._update_available_quantity(
            product, cls.order.warehouse_id.lot_stock_id, 5
        )
        cls.order.action_confirm()
        picking = cls.order.picking_ids
        shipment = picking.logistics_shipment_ids or cls._create_shipment(
            sale_order_id=cls.order.id, picking_id=picking.id
        )
        shipment.write({"name": "TOUR-PORTAL-SHIPMENT", "partner_id": cls.contact_a.id})
        shipment.sudo().estimated_date = datetime(2026, 3, 5, 12, 0)
        carrier = cls.env["delivery.carrier"].create(
            {
                "name": "Parcel Express",
                "product_id": cls.env["product.product"]
                .create({"name": "Parcel Express freight", "type": "service"})
                .id,
                "tracking_url": "https://track.example/?n=<shipmenttrackingnumber>",
            }
        )
        picking.write({"carrier_id": carrier.id, "carrier_tracking_ref": "PX123"})
        with trap_jobs() as trap:
            cls._add_milestone(shipment, "in_transit", datetime(2026, 3, 2, 8, 0))
            cls._add_milestone(shipment, "delivered", datetime(2026, 3, 2, 15, 0))
            cls._add_milestone(shipment, "shipment_planned", datetime(2026, 3, 3, 9, 0))
            trap.perform_enqueued_jobs()
        cls.shipment = shipment

    def test_my_shipments_shows_delivered(self):
        """Delivered on top and as the status, no expected delivery any more, the
        tracking link, and the customer's reply reaches the shipment's responsible."""
        self.assertEqual(self.shipment.state, "delivered")
        self.shipment.user_id = self.logistics_user
        self.start_tour("/my/shipments", "logistics_portal_delivered", login="portal_a")
        reply = self.shipment.message_ids.filtered(
            lambda m: m.author_id == self.contact_a and "Where exactly" in (m.body or "")
        )
        self.assertEqual(len(reply), 1)
        self.assertFalse(reply.is_internal)
        activity = self.shipment.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("logistics_portal.mail_activity_type_customer_reply")
            )
        )
        self.assertEqual(activity.user_id, self.logistics_user)
        self.assertIn("Where exactly", str(activity.note))
        self.assertIn(self.contact_a, self.shipment.message_partner_ids)

    def test_order_page_links_its_shipment(self):
        self.assertEqual(self.order.picking_ids.state, "done")
        self.start_tour(
            f"/my/orders/{self.order.id}", "logistics_portal_order_shipped", login="portal_a"
        )
