from odoo.exceptions import ValidationError
from odoo.tests import Form
from odoo.tools.safe_eval import safe_eval

from odoo.addons.logistics_inbound.tests.common import LogisticsInboundSourceCase
from odoo.addons.logistics_integration.tests.common import assert_values_refused

CLAIM_ACTIVITY = "logistics_case.mail_activity_type_carrier_claim"


class TestCaseMoney(LogisticsInboundSourceCase):
    """What a case does with money: the customer's credit note, the carrier claim."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        product = cls.env["product.product"].create(
            {"name": "Crate", "type": "service", "invoice_policy": "order", "list_price": 700}
        )
        cls.order = cls.env["sale.order"].create(
            {"partner_id": cls.customer.id, "order_line": [(0, 0, {"product_id": product.id})]}
        )
        cls.order.action_confirm()
        cls.invoice = cls.order._create_invoices()
        cls.invoice.action_post()
        cls.shipment = cls._create_shipment(sale_order_id=cls.order.id)
        cls.carrier_partner = cls.env["res.partner"].create(
            {"name": "Road Express Billing", "is_company": True}
        )
        cls.case = cls.env["logistics.case"].create(
            {
                "shipment_id": cls.shipment.id,
                "case_type_id": cls.env.ref("logistics_case.case_type_damage").id,
                "user_id": cls.logistics_user.id,
                "date_deadline": "2026-03-04 12:00:00",
            }
        )

    def _refund(self, partner, move_type="out_refund"):
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": "2026-03-05",
                "invoice_line_ids": [
                    (0, 0, {"name": "Damage", "quantity": 1, "price_unit": 520.0})
                ],
            }
        )
        move.action_post()
        return move

    def _claim_activities(self, case):
        return case.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(CLAIM_ACTIVITY)
        )

    def test_credit_note_field_lists_only_the_customers_credit_notes(self):
        own = self._refund(self.customer)
        stranger = self.env["res.partner"].create({"name": "Other customer"})
        foreign = self._refund(stranger)
        domain = safe_eval(
            self.case._fields["credit_note_id"].domain,
            {"commercial_partner_id": self.case.commercial_partner_id.id},
        )
        offered = self.env["account.move"].search(domain)
        self.assertIn(own, offered)
        self.assertNotIn(foreign, offered)
        with self.assertRaisesRegex(ValidationError, "not for"):
            self.case.credit_note_id = foreign
        self.case.credit_note_id = own
        self.assertEqual(self.case.credit_note_id, own)

    def test_create_credit_note_from_the_orders_invoice_links_it_to_the_case(self):
        action = self.case.action_create_credit_note()
        self.assertEqual(action["res_model"], "account.move.reversal")
        wizard = Form(self.env["account.move.reversal"].with_context(**action["context"]))
        wizard.journal_id = self.invoice.journal_id
        reversal = wizard.save()
        self.assertEqual(reversal.move_ids, self.invoice)
        self.assertEqual(reversal.logistics_case_id, self.case)
        reversal.refund_moves()
        credit_note = self.case.credit_note_id
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.reversed_entry_id, self.invoice)
        self.assertEqual(credit_note.commercial_partner_id, self.case.commercial_partner_id)
        self.assertTrue(
            self.case.message_ids.filtered(lambda m: "Credit note" in str(m.body)),
            "the case says where its credit note comes from",
        )

    def test_carrier_claim_outlives_the_case_until_refunded(self):
        case = self.case.with_user(self.logistics_user)
        case.write(
            {
                "resolution": "carrier_claim",
                "resolution_reason": "Pallet crushed in transit",
                "claim_amount": 520.0,
                "claim_partner_id": self.carrier_partner.id,
            }
        )
        case.action_resolve()
        self.assertEqual(case.state, "resolved")
        self.assertEqual(case.claim_state, "filed")
        activity = self._claim_activities(case)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.logistics_user)
        self.assertEqual(activity.date_deadline, case.claim_date_deadline)
        self.assertTrue(case.claim_date_deadline)
        self.assertIn("520", activity.summary)

        case.action_claim_accepted()
        self.assertEqual(case.claim_state, "accepted")
        self.assertEqual(self._claim_activities(case), activity, "still followed up")
        with self.assertRaisesRegex(ValidationError, "Carrier refund"):
            case.action_claim_refunded()
        refund = self._refund(self.carrier_partner, move_type="in_refund")
        # The accountant links the carrier's credit note; its total is the refund.
        with Form(self.case) as form:
            form.claim_refund_move_id = refund
            self.assertEqual(form.claim_refund_amount, 520.0)
        case.action_claim_refunded()
        self.assertEqual(case.claim_state, "refunded")
        self.assertEqual(case.claim_refund_amount, 520.0)
        self.assertFalse(self._claim_activities(case))
        done = case.message_ids.filtered(lambda m: "The carrier refunded" in str(m.body))
        self.assertTrue(done)

    def test_negative_claim_amounts_are_refused_naming_the_field(self):
        case = self.case.with_user(self.logistics_user)
        for field_name in ("claim_amount", "claim_refund_amount"):
            assert_values_refused(self, case, field_name, (-0.01, -520.0))
        case.write({"claim_amount": 0.0, "claim_refund_amount": 0.0})
        self.assertEqual(self.case.claim_refund_amount, 0.0)

    def test_rejected_claim_closes_its_follow_up(self):
        self.case.claim_amount = 80.0
        self.case.action_file_claim()
        self.assertEqual(len(self._claim_activities(self.case)), 1)
        self.case.action_claim_rejected()
        self.assertEqual(self.case.claim_state, "rejected")
        self.assertFalse(self._claim_activities(self.case))
        self.assertEqual(self.case.state, "open", "the case itself is still to resolve")

    def test_every_missing_field_is_reported_in_one_message(self):
        self.case.resolution = False
        with self.assertRaises(ValidationError) as caught:
            self.case.action_resolve()
        message = str(caught.exception)
        self.assertIn("Resolution:", message)
        self.assertIn("Resolution reason:", message)
        self.case.resolution = "carrier_claim"
        with self.assertRaises(ValidationError) as caught:
            self.case.action_resolve()
        message = str(caught.exception)
        self.assertIn("Resolution reason:", message)
        self.assertIn("Claim amount:", message)
        self.assertNotIn("Resolution: choose", message)

    def test_chatter_records_creation_and_changes_from_the_start(self):
        """A case opened by an exception says so in its chatter, and its key fields are
        tracked from then on, not only once it is resolved."""
        env = self.env(
            context=dict(
                self.env.context,
                mail_create_nolog=False,
                tracking_disable=False,
                mail_notrack=False,
            )
        )
        env["logistics.milestone"].create(
            {
                "shipment_id": self.shipment.id,
                "event_type_id": self.env.ref(
                    "logistics_integration.event_type_exception_raised"
                ).id,
                "event_time": "2026-03-02 10:00:00",
                "raw_code": "AH",
                "raw_detail": "A2",
            }
        )
        case = self.shipment.case_ids - self.case
        self.assertEqual(len(case), 1)
        self.assertIn(
            "Service Case created",
            case.message_ids.mapped(lambda m: m.preview or ""),
        )
        # Each is its own transaction: the one that opened the case has committed.
        self.env.cr.precommit.run()
        case = case.with_env(env)
        case.write({"user_id": self.logistics_manager.id, "claim_amount": 50.0})
        self.env.cr.precommit.run()  # tracking is posted when the transaction commits
        case.invalidate_recordset(["message_ids"])
        tracked = case.message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("user_id", tracked)
        self.assertIn("claim_amount", tracked)
