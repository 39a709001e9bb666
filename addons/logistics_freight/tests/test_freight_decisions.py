import json

from odoo.exceptions import UserError, ValidationError

from odoo.addons.logistics_integration.tests.common import trap_jobs

from .common import LogisticsFreightCase

DECISION_ACTIVITY = "logistics_freight.mail_activity_type_freight_decision"


class TestFreightDecisions(LogisticsFreightCase):
    """Manual actual amounts, disputes and their resolution, and what users see of them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.carrier = cls._create_carrier()
        cls.ownership = cls.env.ref("logistics_integration.data_ownership_freight_charges")

    def _decide(self, charge, decision, reason="Checked with the carrier", **values):
        wizard = (
            self.env["logistics.freight.charge.decision"]
            .with_user(self.logistics_manager)
            .create({"charge_id": charge.id, "decision": decision, "reason": reason, **values})
        )
        wizard.action_confirm()
        return wizard

    def _freight_activities(self, shipment):
        return shipment.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(DECISION_ACTIVITY)
        )

    def _disputed_charge(self, reference, actual=180.0):
        order, shipment = self._create_order_shipment(self.carrier, 100.0, reference)
        charge = self._add_actual_charge(shipment, actual, endpoint_id=self.endpoint.id)
        with trap_jobs() as trap:
            self._decide(charge, "dispute", "Never ordered a tail lift")
            trap.assert_jobs_count(1)
        return order, shipment, charge

    # Manual actual amounts (the ownership matrix: TMS owns, "accept and flag").

    def test_manual_actual_is_received_flagged_and_held_for_review(self):
        self.assertEqual(self.ownership.conflicting_edit_policy, "flag")
        _order, shipment = self._create_order_shipment(self.carrier, 100.0, "MAN-1")
        charge = self.env["logistics.freight.charge"].create(
            {"shipment_id": shipment.id, "expected_amount": 100.0}
        )
        self.assertEqual(charge.state, "pending")
        charge.with_user(self.logistics_manager).write({"actual_amount": 101.0})
        self.assertTrue(charge.has_actual)
        self.assertTrue(charge.manual_actual)
        self.assertEqual(charge.variance, 1.0)
        self.assertEqual(charge.state, "on_hold", "within tolerance, but flagged for review")
        self.assertEqual(shipment.invoice_release_state, "on_hold")
        activity = self._freight_activities(shipment)
        self.assertEqual(len(activity), 1)
        self.assertIn("entered in Odoo", activity.note)

    def test_manual_actual_is_refused_when_the_owner_refuses_edits(self):
        self.ownership.conflicting_edit_policy = "refuse"
        _order, shipment = self._create_order_shipment(self.carrier, 100.0, "MAN-2")
        charge = self.env["logistics.freight.charge"].create(
            {"shipment_id": shipment.id, "expected_amount": 100.0}
        )
        with self.assertRaisesRegex(UserError, "owned by the Transport Management System"):
            charge.with_user(self.logistics_manager).write({"actual_amount": 101.0})

    def test_manual_actual_is_reconciled_when_odoo_owns_freight(self):
        self.ownership.system_of_record = "odoo"
        _order, shipment = self._create_order_shipment(self.carrier, 100.0, "MAN-3")
        charge = (
            self.env["logistics.freight.charge"]
            .with_user(self.logistics_manager)
            .create({"shipment_id": shipment.id, "expected_amount": 100.0, "actual_amount": 102})
        )
        self.assertTrue(charge.has_actual)
        self.assertFalse(charge.manual_actual)
        self.assertEqual(charge.state, "approved")

    # Disputes: explicit hold, the source told, a next step for a person.

    def test_dispute_keeps_the_hold_notifies_the_source_and_leaves_an_activity(self):
        order, shipment, charge = self._disputed_charge("DSP-1")
        self.assertEqual(charge.state, "disputed")
        self.assertEqual(shipment.invoice_release_state, "on_hold")
        message = self.env["logistics.outbound.message"].search(
            [("endpoint_id", "=", self.endpoint.id), ("exchange_type_code", "=", "freight_dispute")]
        )
        self.assertEqual(len(message), 1)
        payload = json.loads(message.payload)
        self.assertEqual(payload["reason"], "Never ordered a tail lift")
        self.assertEqual(payload["billed_amount"], 180.0)
        self.assertEqual(message.correlation_id, shipment.correlation_id)
        activity = self._freight_activities(shipment)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.summary, "Resolve freight disputes")
        self.assertIn("re-approve it or record the carrier's credit", activity.note)
        self.assertIn("Invoice stays on hold", shipment.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "on hold"):
            order._create_invoices()

    def test_reapproving_a_disputed_charge_releases_the_invoice(self):
        order, shipment, charge = self._disputed_charge("DSP-2")
        self._decide(charge, "approve", "Tail lift was ordered by phone after all")
        self.assertEqual(charge.state, "approved")
        self.assertEqual(shipment.invoice_release_state, "released")
        self.assertFalse(self._freight_activities(shipment))
        self.assertIn("Freight released", shipment.message_ids[0].body)
        self.assertTrue(order._create_invoices())

    def test_credit_within_tolerance_releases_the_invoice(self):
        _order, shipment, charge = self._disputed_charge("DSP-3")
        self._decide(charge, "credit", "Credit note CN-7", credit_amount=78.0)
        self.assertEqual(charge.actual_amount, 102.0)
        self.assertEqual(charge.state, "approved")
        self.assertEqual(shipment.invoice_release_state, "released")
        self.assertFalse(self._freight_activities(shipment))

    def test_partial_credit_keeps_the_hold_with_a_decision_to_make(self):
        _order, shipment, charge = self._disputed_charge("DSP-4")
        self._decide(charge, "credit", "Credit note CN-8", credit_amount=30.0)
        self.assertEqual(charge.actual_amount, 150.0)
        self.assertEqual(charge.state, "on_hold")
        self.assertEqual(shipment.invoice_release_state, "on_hold")
        activity = self._freight_activities(shipment)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.summary, "Freight charges outside tolerance")

    def test_credit_needs_a_disputed_charge_and_a_valid_amount(self):
        _order, shipment = self._create_order_shipment(self.carrier, 100.0, "DSP-5")
        held = self._add_actual_charge(shipment, 180.0)
        with self.assertRaisesRegex(ValidationError, "Only a disputed charge"):
            self._decide(held, "credit", credit_amount=10.0)
        _o, _s, disputed = self._disputed_charge("DSP-6")
        with self.assertRaisesRegex(ValidationError, "Credit amount"):
            self._decide(disputed, "credit", credit_amount=500.0)

    # What users see.

    def test_decision_wizard_names_the_charge_and_signs_the_variance(self):
        _order, shipment = self._create_order_shipment(self.carrier, 100.0, "UX-1")
        over = self._add_actual_charge(shipment, 180.0)
        action = over.action_approve_variance()
        wizard = (
            self.env[action["res_model"]]
            .with_context(**action["context"])
            .create({"reason": "Checked"})
        )
        self.assertEqual(wizard.charge_id.display_name, f"{shipment.name} · Base Freight")
        self.assertEqual(wizard.variance_percent_label, "+80.0 %")
        under = self._add_actual_charge(shipment, 90.0, charge_type="other", expected_amount=100)
        self.assertEqual(under.variance_percent_label, "-10.0 %")

    def test_charge_rows_open_a_form_with_the_decisions(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "logistics_shipment.logistics_freight_charge_action"
        )
        self.assertIn("form", action["view_mode"])
        arch = self.env["logistics.freight.charge"].get_view(view_type="form")["arch"]
        for button in ("action_approve_variance", "action_dispute", "action_credit"):
            self.assertIn(button, arch)
        shipment_form = self.env["logistics.shipment"].get_view(view_type="form")["arch"]
        self.assertNotIn(
            'editable="bottom" decoration-warning="state == \'on_hold\'"', shipment_form
        )

    def test_hold_is_shown_on_the_sale_order_and_to_invoice_list(self):
        order, shipment = self._create_order_shipment(self.carrier, 100.0, "UX-2")
        charge = self._add_actual_charge(shipment, 180.0)
        self.assertEqual(order.logistics_invoice_release_state, "on_hold")
        on_hold = self.env["sale.order"].search(
            [("logistics_invoice_release_state", "=", "on_hold")]
        )
        self.assertIn(order, on_hold)
        list_arch = self.env["sale.order"].get_view(
            self.env.ref("sale.view_order_tree").id, "list"
        )["arch"]
        self.assertIn("logistics_invoice_release_state", list_arch)
        self._decide(charge, "approve")
        self.assertEqual(order.logistics_invoice_release_state, "released")

    def test_kanban_cards_show_the_freight_hold(self):
        arch = self.env["logistics.shipment"].get_view(view_type="kanban")["arch"]
        self.assertIn("Freight on hold</span>", arch)
