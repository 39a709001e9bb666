from odoo.exceptions import UserError

from odoo.addons.logistics_shipment.tests.common import LogisticsShipmentCase


class TestTmsOfItsCompany(LogisticsShipmentCase):
    """A company's transport orders only ever go to a TMS of that company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tms_of_other_company = cls._create_endpoint(
            name="TMS of the other company", company_id=cls.other_company.id
        )

    def test_default_tms_is_one_of_the_company(self):
        with self.assertRaises(UserError):
            self.company.logistics_tms_endpoint_id = self.tms_of_other_company
        self.other_company.logistics_tms_endpoint_id = self.tms_of_other_company
        self.assertEqual(self.other_company.logistics_tms_endpoint_id, self.tms_of_other_company)

    def test_shipment_is_sent_to_a_tms_of_its_company(self):
        shipment = self._create_shipment()
        with self.assertRaises(UserError):
            shipment.tms_endpoint_id = self.tms_of_other_company
        shipment.tms_endpoint_id = self.endpoint
        self.assertEqual(shipment._get_tms_endpoint(), self.endpoint)
