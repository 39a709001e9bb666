from odoo.exceptions import UserError

from .common import LogisticsFreightCase


class TestFreightOfItsCompany(LogisticsFreightCase):
    def test_a_charge_is_reported_by_a_source_of_its_shipment_company(self):
        shipment = self._create_shipment()
        foreign = self._create_endpoint(code="foreign_tms", company_id=self.other_company.id)
        charges = self.env["logistics.freight.charge"]
        with self.assertRaises(UserError):
            charges.create({"shipment_id": shipment.id, "endpoint_id": foreign.id})
        charge = charges.create({"shipment_id": shipment.id, "endpoint_id": self.endpoint.id})
        self.assertEqual(charge.company_id, self.endpoint.company_id)
