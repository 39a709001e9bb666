from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestOverviewTour(HttpCase):
    def test_overview_opens_the_list_behind_a_card(self):
        self.env["logistics.shipment"].create(
            {
                "partner_id": self.env.ref("base.res_partner_2").id,
                "estimated_date": fields.Datetime.now() - timedelta(days=1),
            }
        )
        self.start_tour("/odoo", "logistics_overview_click_through", login="admin")


@tagged("post_install", "-at_install")
class TestSlaThresholdTour(HttpCase):
    def test_empty_target_means_no_threshold_in_the_form(self):
        endpoint = self.env["logistics.endpoint"].create(
            {"name": "Threshold TMS", "code": "threshold_tms", "kind": "tms"}
        )
        exchange_type = self.env["logistics.exchange.type"].create(
            {
                "name": "Orders",
                "code": "sla_threshold_orders",
                "endpoint_id": endpoint.id,
                "direction": "outbound",
            }
        )
        self.start_tour(
            f"/odoo/action-logistics_integration.logistics_interface_action/{exchange_type.id}",
            "logistics_sla_threshold_empty",
            login="admin",
        )
        self.assertEqual(exchange_type.sla_max_failure_rate, 0.0)
