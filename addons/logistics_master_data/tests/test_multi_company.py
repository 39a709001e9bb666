import json

from odoo.exceptions import AccessError

from .common import MasterDataCase


class TestMasterDataOfItsCompany(MasterDataCase):
    """Master data leaves only through the endpoints of its company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_tms = cls._create_endpoint(
            name="TMS of the other company", code="other_tms", company_id=cls.other_company.id
        )
        cls.other_product = cls.env["product.product"].create(
            {
                "name": "Other's widget",
                "default_code": "OTH-1",
                "type": "consu",
                "company_id": cls.other_company.id,
            }
        )

    def test_records_go_to_their_company_endpoints_only(self):
        shared_and_other = self.product | self.other_product
        self.sync._send("products", self.endpoint, shared_and_other)
        self.sync._send("products", self.other_tms, shared_and_other)
        mine = self._messages("products")
        self.assertEqual([r["key"] for r in json.loads(mine.payload)["records"]], ["WID-1"])
        theirs = self.env["logistics.outbound.message"].search(
            [("endpoint_id", "=", self.other_tms.id)]
        )
        keys = sorted(r["key"] for r in json.loads(theirs.payload)["records"])
        self.assertEqual(keys, ["OTH-1", "WID-1"], "a shared product goes to both")

    def test_a_user_sees_the_states_of_their_companies_only(self):
        self.sync._send("products", self.other_tms, self.other_product)
        other_state = self.states.search([("endpoint_id", "=", self.other_tms.id)])
        self.assertEqual(len(other_state), 1)
        manager = self.logistics_manager
        self.assertFalse(
            self.states.with_user(manager).search([("endpoint_id", "=", self.other_tms.id)])
        )
        with self.assertRaises(AccessError):
            other_state.with_user(manager).read(["key"])

    def test_send_now_uses_the_current_company_endpoints(self):
        self.sync.with_user(self.logistics_manager)._send_now(self.product)
        self.assertTrue(self._messages("products"))
        self.assertFalse(
            self.env["logistics.outbound.message"].search([("endpoint_id", "=", self.other_tms.id)])
        )
