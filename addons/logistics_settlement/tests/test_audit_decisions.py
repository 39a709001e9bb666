from odoo.exceptions import AccessError, UserError
from odoo.tests import Form

from ..models.account_move import AUDITOR_GROUP, HOLD_ACTIVITY
from .common import LogisticsSettlementCase


class TestCarrierBillDecisions(LogisticsSettlementCase):
    """A freight auditor decides on a held bill: accept the variance, short-pay at the
    approved freight, or dispute it with the carrier."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vendor.email = "billing@fastfreight.example.com"
        cls.accountant = cls._create_user("lgx_accountant", "account.group_account_invoice")

    def _held_bill(self, reference, approved=100.0, billed=160.0):
        _order, _shipment, charge = self._delivered_shipment(reference, approved)
        bill = self._create_bill([(reference, "base_freight", billed)])
        self._run("carrier_settlement")
        self.assertEqual(bill.logistics_settlement_state, "held")
        return bill, charge

    def _hold_activities(self, bill):
        return bill.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(HOLD_ACTIVITY)
        )

    def _decide(self, bill, decision, reason, user=None):
        wizard = Form(
            self.env["logistics.carrier.bill.decision"]
            .with_user(user or self.auditor)
            .with_context(default_move_id=bill.id, default_decision=decision)
        )
        wizard.reason = reason
        return wizard.save().action_confirm()

    def _last_note(self, bill):
        return bill.message_ids.filtered(lambda m: "by " in str(m.body))[:1]

    def test_hold_activity_goes_to_a_freight_auditor(self):
        bill, _charge = self._held_bill("AD-0")
        activity = self._hold_activities(bill)
        self.assertEqual(len(activity), 1)
        self.assertTrue(activity.user_id.has_group(AUDITOR_GROUP))

    def test_accept_variance_with_reason_makes_the_bill_ready_and_postable(self):
        bill, charge = self._held_bill("AD-1")
        self._decide(bill, "accept", "Re-weigh confirmed 1.6 t")
        line = bill.invoice_line_ids
        self.assertEqual(line.logistics_match_state, "accepted")
        self.assertEqual(line.logistics_variance_reason, "Re-weigh confirmed 1.6 t")
        self.assertEqual(bill.logistics_settlement_state, "ready")
        self.assertEqual(charge.carrier_bill_id, bill, "the charge counts as billed")
        self.assertFalse(self._hold_activities(bill), "the decision closes the hold")
        note = self._last_note(bill)
        self.assertIn("Variance accepted by", note.body)
        self.assertIn(self.auditor.name, note.body)
        self.assertIn("Re-weigh confirmed 1.6 t", note.body)
        self.assertIn("billed 160.00, approved 100.00, difference 60.00", note.body)
        # The next settlement run keeps the decision.
        self._run("carrier_settlement")
        self.assertEqual(line.logistics_match_state, "accepted")
        bill.action_post()
        self.assertEqual(bill.state, "posted")
        self.assertEqual(bill.amount_untaxed, 160.0)

    def test_short_pay_brings_the_bill_to_the_approved_freight(self):
        bill, charge = self._held_bill("AD-2")
        self._decide(bill, "short_pay", "Rate card says 100")
        self.assertEqual(bill.amount_untaxed, 100.0)
        self.assertEqual(bill.amount_total, 100.0)
        short_line = bill.invoice_line_ids.filtered(lambda line: line.price_subtotal < 0)
        self.assertEqual(short_line.price_subtotal, -60.0)
        self.assertEqual(short_line.logistics_shipment_ref, "AD-2")
        self.assertEqual(set(bill.invoice_line_ids.mapped("logistics_match_state")), {"matched"})
        self.assertEqual(bill.logistics_settlement_state, "ready")
        self.assertEqual(charge.carrier_bill_id, bill)
        self.assertFalse(self._hold_activities(bill))
        self.assertIn("Short-paid at the approved freight by", self._last_note(bill).body)
        bill.action_post()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=bill.ids
        ).create({})._create_payments()
        self.assertEqual(bill.logistics_settlement_state, "paid")

    def test_short_pay_needs_a_line_billed_above_the_approved_freight(self):
        bill, _charge = self._held_bill("AD-3", approved=100.0, billed=50.0)
        with self.assertRaisesRegex(UserError, "more than the approved freight"):
            self._decide(bill, "short_pay", "Pay less")
        self.assertEqual(bill.logistics_settlement_state, "held")

    def test_dispute_mails_the_carrier_and_keeps_the_bill_held(self):
        bill, charge = self._held_bill("AD-4")
        self._decide(bill, "dispute", "Our rate card is 100 per pallet")
        self.assertEqual(bill.logistics_settlement_state, "disputed")
        self.assertTrue(bill.logistics_disputed)
        mail = bill.message_ids.filtered(lambda m: self.vendor in m.partner_ids)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.message_type, "comment")
        self.assertIn("Disputed", mail.subject)
        self.assertIn("AD-4", mail.body)
        self.assertIn("60.00", mail.body)
        self.assertIn("Our rate card is 100 per pallet", mail.body)
        notification = mail.notification_ids.filtered(lambda n: n.res_partner_id == self.vendor)
        self.assertEqual(notification.notification_type, "email")
        self.assertFalse(self._hold_activities(bill))
        self.assertIn("Disputed with the carrier by", self._last_note(bill).body)
        with self.assertRaisesRegex(UserError, "on hold"):
            bill.action_post()
        # Rerun: still disputed, no new activity, charge not billed.
        self._run("carrier_settlement")
        self.assertEqual(bill.logistics_settlement_state, "disputed")
        self.assertFalse(self._hold_activities(bill))
        self.assertFalse(charge.carrier_bill_id)
        # The carrier corrects its bill: it matches and is no longer disputed.
        bill.invoice_line_ids.price_unit = 100.0
        self._run("carrier_settlement")
        self.assertEqual(bill.logistics_settlement_state, "ready")
        self.assertFalse(bill.logistics_disputed)

    def test_only_freight_auditors_decide(self):
        bill, _charge = self._held_bill("AD-5")
        with self.assertRaises(AccessError):
            self._decide(bill, "accept", "I say so", user=self.accountant)
        with self.assertRaises(AccessError):
            bill.with_user(self.accountant)._logistics_short_pay("I say so")
        self.assertEqual(bill.logistics_settlement_state, "held")
        self.assertEqual(len(self._hold_activities(bill)), 1)

    def test_decision_buttons_on_a_held_bill_are_for_freight_auditors(self):
        arch = self.env["account.move"].get_view(self.env.ref("account.view_move_form").id, "form")[
            "arch"
        ]
        for label in ("Accept Variance", "Short-Pay at Approved", "Dispute with Carrier"):
            self.assertIn(label, arch)
        accountant_arch = (
            self.env["account.move"]
            .with_user(self.accountant)
            .get_view(self.env.ref("account.view_move_form").id, "form")["arch"]
        )
        self.assertNotIn("Accept Variance", accountant_arch)

    def test_a_decision_needs_a_held_bill(self):
        _order, _shipment, _charge = self._delivered_shipment("AD-6", 100.0)
        bill = self._create_bill([("AD-6", "base_freight", 100.0)])
        self._run("carrier_settlement")
        with self.assertRaisesRegex(UserError, "not held"):
            bill.with_user(self.auditor)._logistics_accept_variance("why not")

    def test_draft_unpaid_bill_is_never_paid_or_settled(self):
        _order, _shipment, _charge = self._delivered_shipment("AD-7", 100.0)
        bill = self._create_bill([("AD-7", "base_freight", 100.0)])
        self._run("carrier_settlement")
        states = dict(bill._fields["logistics_settlement_state"]._description_selection(self.env))
        self.assertEqual(bill.state, "draft")
        self.assertEqual(states[bill.logistics_settlement_state], "Ready to Pay")
        line_states = dict(
            bill.invoice_line_ids._fields["logistics_match_state"]._description_selection(self.env)
        )
        self.assertNotIn("Settled", line_states.values())

    def test_settlement_rows_open_a_form(self):
        action = self.env.ref("logistics_settlement.carrier_bill_line_action")
        self.assertIn("form", action.view_mode.split(","))
        form_view = action.view_ids.filtered(lambda v: v.view_mode == "form").view_id
        self.assertTrue(form_view)
        _order, _shipment, _charge = self._delivered_shipment("AD-8", 100.0)
        bill = self._create_bill([("AD-8", "base_freight", 100.0)])
        line = bill.invoice_line_ids
        with Form(line.with_user(self.auditor), view=form_view) as form:
            self.assertEqual(form.logistics_shipment_ref, "AD-8")
        opened = line.with_user(self.auditor).action_open_business_doc()
        self.assertEqual((opened["res_model"], opened["res_id"]), ("account.move", bill.id))
