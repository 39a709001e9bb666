from datetime import datetime

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestShipmentTour(HttpCase):
    def test_logistics_user_opens_a_shipment_and_its_timeline(self):
        user = new_test_user(
            self.env,
            login="lgx_tour_user",
            groups="base.group_user,logistics_integration.group_logistics_user",
        )
        customer = self.env["res.partner"].create({"name": "Tour Customer"})
        shipment = self.env["logistics.shipment"].create(
            {"partner_id": customer.id, "tms_reference": "TMS-TOUR-1"}
        )
        event = self.env.ref
        self.env["logistics.milestone"].create(
            [
                {
                    "shipment_id": shipment.id,
                    "event_type_id": event("logistics_integration.event_type_picked_up").id,
                    "event_time": datetime(2026, 11, 20, 8, 0),
                    "location": "Antwerp DC",
                },
                {
                    "shipment_id": shipment.id,
                    "event_type_id": event("logistics_integration.event_type_in_transit").id,
                    "event_time": datetime(2026, 11, 20, 14, 0),
                    "location": "Liège hub",
                },
            ]
        )
        self.env["logistics.freight.charge"].create(
            {"shipment_id": shipment.id, "charge_type": "base_freight", "expected_amount": 120}
        )
        self.assertEqual(shipment.state, "in_transit")
        self.start_tour(
            "/odoo/action-logistics_shipment.logistics_shipment_action",
            "logistics_shipment_timeline",
            login=user.login,
        )
