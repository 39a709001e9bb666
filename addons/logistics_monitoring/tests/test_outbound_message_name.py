from odoo.addons.logistics_tms_export.tests.common import TmsExportCase


class TestOutboundMessageNames(TmsExportCase):
    def test_named_after_what_it_sends_about_which_record(self):
        __, shipment = self._export_order()
        message = self._last_message(shipment)
        self.assertEqual(
            message.display_name,
            f"{message.exchange_type_id.name} · {shipment._description} {shipment.display_name}",
        )
        self.assertNotIn(message.idempotency_key, message.display_name)
        # the related record is a link (a reference), named, not "Related Model"
        as_user = message.with_user(self.logistics_user)
        self.assertEqual(as_user.record_ref, shipment)
        self.assertEqual(as_user.record_name, f"{shipment._description} {shipment.display_name}")
        arch = self.env["logistics.outbound.message"].get_view(view_type="form")["arch"]
        self.assertIn('name="record_ref"', arch)
        self.assertNotIn('name="model"', arch)
