from odoo.addons.logistics_integration.tests.common import assert_values_refused

from .common import LogisticsTmsInboundCase


class TestPodDelayInput(LogisticsTmsInboundCase):
    def test_pod_delay_out_of_range_is_refused(self):
        settings = self.env["res.config.settings"]
        assert_values_refused(
            self,
            self.company,
            "logistics_pod_delay_hours",
            (-1, 10**8),
            write=lambda value: settings.create({"logistics_pod_delay_hours": value}),
        )
        self.company.logistics_pod_delay_hours = 24 * 366
        self.env["logistics.shipment"]._cron_flag_missing_pod()
        self.assertEqual(self.company.logistics_pod_delay_hours, 24 * 366)
