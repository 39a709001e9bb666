from odoo.exceptions import AccessError

from .common import LogisticsIntegrationCase


class TestSecurity(LogisticsIntegrationCase):
    def test_logistics_user_cannot_read_endpoint_secrets(self):
        endpoint = self.endpoint.with_user(self.logistics_user)
        self.assertEqual(endpoint.name, "Test TMS")
        with self.assertRaises(AccessError):
            endpoint.read(["auth_secret"])
        self.assertNotIn("auth_secret", endpoint.fields_get())

    def test_manager_cannot_change_endpoints_admin_can(self):
        with self.assertRaises(AccessError):
            self.endpoint.with_user(self.logistics_manager).write({"read_timeout": 3})
        self.endpoint.with_user(self.integration_admin).write({"read_timeout": 3})
        self.assertEqual(self.endpoint.read_timeout, 3)
        self.assertEqual(
            self.endpoint.with_user(self.integration_admin).read(["auth_secret"])[0]["auth_secret"],
            "s3cr3t-api-key",
        )

    def test_other_company_records_are_invisible(self):
        foreign = self._create_endpoint(company_id=self.other_company.id, code="foreign")
        log_model = self.env["logistics.integration.log"]
        foreign_log = log_model._record_exchange(
            {"direction": "outbound", "endpoint_id": foreign.id}
        )
        own_log = log_model._record_exchange(
            {"direction": "outbound", "endpoint_id": self.endpoint.id}
        )
        endpoints = self.env["logistics.endpoint"].with_user(self.logistics_user).search([])
        self.assertIn(self.endpoint, endpoints)
        self.assertNotIn(foreign, endpoints)
        logs = log_model.with_user(self.logistics_user).search([])
        self.assertIn(own_log, logs)
        self.assertNotIn(foreign_log, logs)

    def test_canonical_catalogue_is_loaded(self):
        codes = self.env["logistics.event.type"].search([]).mapped("code")
        for code in (
            "order_confirmed",
            "shipment_planned",
            "picked_up",
            "in_transit",
            "out_for_delivery",
            "delivered",
            "exception_raised",
            "returned",
            "cancelled",
            "invoice_approved",
        ):
            self.assertIn(code, codes)
