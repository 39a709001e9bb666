from odoo.tests.common import TransactionCase

from odoo.addons.logistics_integration.tests.common import assert_values_refused


class TestSettingsInput(TransactionCase):
    def test_bridge_public_url_must_be_an_address_sources_can_call(self):
        settings = self.env["res.config.settings"]
        assert_values_refused(
            self,
            settings,
            "logistics_bridge_public_url",
            ("javascript:alert(1)", "https://user:pw@hooks.example.com", "https://hooks:99999"),
            write=lambda url: settings.create({"logistics_bridge_public_url": url}),
        )
        settings.create({"logistics_bridge_public_url": "https://hooks.example.com"}).execute()
        endpoint = self.env["logistics.endpoint"].search([], limit=1)
        self.assertTrue(endpoint.inbound_url.startswith("https://hooks.example.com/v1/in/"))
