from odoo.addons.logistics_integration.tests.common import LogisticsIntegrationCase


class LogisticsShipmentCase(LogisticsIntegrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Acme Retail", "email": "ops@acme.example", "is_company": True}
        )
        cls.event_types = {e.code: e for e in cls.env["logistics.event.type"].search([])}

    @classmethod
    def _create_shipment(cls, **values):
        vals = {"partner_id": cls.customer.id}
        vals.update(values)
        return cls.env["logistics.shipment"].create(vals)

    @classmethod
    def _add_milestone(cls, shipment, code, event_time, **values):
        vals = {
            "shipment_id": shipment.id,
            "event_type_id": cls.event_types[code].id,
            "event_time": event_time,
        }
        vals.update(values)
        return cls.env["logistics.milestone"].create(vals)
