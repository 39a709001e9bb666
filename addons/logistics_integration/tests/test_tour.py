from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestEndpointTour(HttpCase):
    def test_integration_admin_configures_an_endpoint_in_settings(self):
        self.start_tour("/odoo/settings", "logistics_endpoint_configuration", login="admin")
        endpoint = self.env["logistics.endpoint"].search([("code", "=", "tour_carrier")])
        self.assertEqual(endpoint.name, "Tour Carrier")
        self.assertEqual(endpoint.kind, "carrier")
        self.assertEqual(endpoint.environment, "test")
        self.assertEqual(endpoint.auth_scheme, "bearer")
        self.assertEqual(
            endpoint._get_request_auth()[0], {"Authorization": "Bearer tour-token-123"}
        )
