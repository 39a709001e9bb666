from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestOverviewTour(HttpCase):
    def test_overview_opens_the_list_behind_a_card(self):
        self.env["logistics.shipment"].create(
            {"partner_id": self.env.ref("base.res_partner_2").id, "export_state": "blocked"}
        )
        self.start_tour("/odoo", "logistics_overview_click_through", login="admin")
