from odoo.tests import TransactionCase

from odoo.addons.logistics_integration.tests.common import published_schema
from odoo.addons.logistics_tms_inbound.contract import TmsEventV1

from .. import contract


class TestContract(TransactionCase):
    """The published JSON Schemas are the contract's models."""

    def test_published_schemas_match_the_models(self):
        for model, filename in (
            (contract.TmsSlotRequestV1, "tms-appointment.v1.schema.json"),
            (contract.TmsSlotResponseV1, "tms-appointment-slots.v1.schema.json"),
            (contract.TmsAppointmentBookingV1, "tms-appointment-booking.v1.schema.json"),
            (TmsEventV1, "tms-event.v1.schema.json"),
        ):
            published = published_schema(filename)
            self.assertIsNotNone(published, filename)
            self.assertEqual(published, model.model_json_schema(), filename)
