from datetime import datetime

from odoo.tests import HttpCase, tagged

from odoo.addons.logistics_portal.tests.common import LogisticsPortalCase, trap_jobs


@tagged("post_install", "-at_install")
class TestCasePortalTour(HttpCase, LogisticsPortalCase):
    """What the customer sees of a damage: its own wording, the case, its outcome, and
    where to answer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        shipment = cls.shipment_a
        shipment.write({"name": "TOUR-DAMAGED-SHIPMENT", "partner_id": cls.contact_a.id})
        with trap_jobs() as trap:
            cls._add_milestone(shipment, "in_transit", datetime(2026, 3, 2, 8, 0))
            # X12 214 A9 "shipment damaged", as the TMS reports it
            cls._add_milestone(
                shipment,
                "exception_raised",
                datetime(2026, 3, 2, 11, 0),
                raw_code="A9",
                raw_detail="AK",
                action_required=True,
            )
            trap.perform_enqueued_jobs()
        cls.case = shipment.case_ids
        cls.case.user_id = cls.logistics_user
        cls.case.write(
            {
                "resolution": "carrier_claim",
                "resolution_reason": "Forklift damage at the hub",
                "claim_amount": 480.0,
            }
        )
        cls.case.action_resolve()

    def test_customer_reads_the_damage_and_its_outcome_and_replies_on_the_case(self):
        self.assertEqual(self.case.case_type_id, self.env.ref("logistics_case.case_type_damage"))
        self.assertEqual(self.shipment_a.state, "exception")
        self.start_tour("/my/shipments", "logistics_case_damage", login="portal_a")
        reply = self.case.message_ids.filtered(
            lambda m: m.author_id == self.contact_a and "photos" in (m.body or "")
        )
        self.assertEqual(len(reply), 1)
        activity = self.case.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("logistics_portal.mail_activity_type_customer_reply")
            )
        )
        self.assertEqual(activity.user_id, self.logistics_user)
