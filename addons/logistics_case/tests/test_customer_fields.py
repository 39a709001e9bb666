from datetime import datetime

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.logistics_portal.tests.test_customer_fields import CustomerFieldsCase


@tagged("post_install", "-at_install")
class TestCaseCustomerFields(CustomerFieldsCase):
    """A customer reads of their service case, and of its type, the declared fields only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case_type = cls.env.ref("logistics_case.case_type_damage")
        cls.case_type.user_id = cls.logistics_manager
        cls.case = cls.env["logistics.case"].create(
            {
                "shipment_id": cls.shipment_a.id,
                "case_type_id": cls.case_type.id,
                "user_id": cls.logistics_manager.id,
                "date_deadline": datetime(2026, 12, 24, 12, 0),
                "resolution": "carrier_claim",
                "resolution_reason": "Forklift damage at the carrier's hub",
                "claim_amount": 1234.5,
            }
        )

    def test_case_and_its_type_show_declared_fields_only(self):
        self.assertCustomerReadsDeclaredFieldsOnly(self.case)
        self.assertCustomerReadsDeclaredFieldsOnly(self.case_type)

    def test_resolved_case_shows_declared_fields_only(self):
        self.case.write({"state": "resolved", "resolved_date": datetime(2026, 12, 20, 9, 0)})
        self.assertTrue(self.case.customer_outcome)
        self.assertCustomerReadsDeclaredFieldsOnly(self.case)
        self.assertCustomerReadsDeclaredFieldsOnly(self.case_type)

    def test_case_internals_are_refused(self):
        as_customer = self.case.with_user(self.portal_a)
        self.assertEqual(
            as_customer.read(["customer_label"])[0]["customer_label"], self.case.customer_label
        )
        for internal in ("user_id", "resolution_reason", "claim_amount", "resolution"):
            with self.assertRaises(AccessError):
                as_customer.read([internal])
        with self.assertRaises(AccessError):
            self.case_type.with_user(self.portal_a).read(["user_id"])
        self.assertFalse(self.case.with_user(self.portal_b).search([]))
