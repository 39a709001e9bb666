from odoo.exceptions import AccessError, UserError
from odoo.tools.safe_eval import safe_eval

from ..models.account_move import AUDITOR_GROUP
from .common import LogisticsSettlementCase

HOLD_ACTIVITY = "logistics_settlement.mail_activity_type_carrier_bill_hold"


class TestCarrierSettlement(LogisticsSettlementCase):
    def _hold_activities(self, bill):
        return bill.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(HOLD_ACTIVITY)
        )

    def test_matching_bill_is_ready_to_pay(self):
        _order, shipment, charge = self._delivered_shipment("ST-1", 102.0)
        bill = self._create_bill([("ST-1", "base_freight", 103.0)])
        self.assertEqual(bill.logistics_settlement_state, "to_settle")
        line = self._run("carrier_settlement")
        self.assertEqual(line.last_run_state, "done")
        self.assertEqual(bill.logistics_settlement_state, "ready")
        self.assertEqual(charge.carrier_bill_id, bill)
        self.assertEqual(bill.invoice_line_ids.logistics_shipment_id, shipment)
        self.assertEqual(bill.invoice_line_ids.logistics_approved_amount, 102.0)
        log = self.env["logistics.integration.log"].search(
            [("model", "=", "account.move"), ("res_id", "=", bill.id)]
        )
        self.assertEqual(log.correlation_id, shipment.correlation_id)
        self.assertEqual(log.state, "processed")
        bill.action_post()
        self.assertEqual(bill.state, "posted")
        self.assertEqual(bill.logistics_settlement_state, "ready", "posting keeps the match")
        self.assertEqual(charge.carrier_bill_id, bill)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=bill.ids
        ).create({})._create_payments()
        self.assertIn(bill.payment_state, ("paid", "in_payment"))

    def test_bills_imported_as_documented_in_usage_are_matched(self):
        self._delivered_shipment("ST-CSV", 102.0)
        fields_ = [
            "partner_id",
            "move_type",
            "invoice_date",
            "invoice_line_ids/name",
            "invoice_line_ids/price_unit",
            "invoice_line_ids/logistics_shipment_ref",
            "invoice_line_ids/logistics_charge_type",
        ]
        rows = [
            ["Fast Freight Ltd", "in_invoice", "2026-10-31", "Freight", "102.00", "ST-CSV",
             "Base Freight"],
            ["", "", "", "Fuel", "8.00", "ST-CSV", "Fuel Surcharge"],
        ]  # fmt: skip
        result = self.env["account.move"].load(fields_, rows)
        self.assertFalse(result["messages"], result["messages"])
        bill = self.env["account.move"].browse(result["ids"])
        self.assertEqual(
            bill.invoice_line_ids.mapped("logistics_charge_type"),
            ["base_freight", "fuel_surcharge"],
        )
        self._run("carrier_settlement")
        self.assertEqual(bill.logistics_settlement_state, "held")
        self.assertEqual(
            bill.invoice_line_ids.mapped("logistics_match_state"), ["matched", "mismatch"]
        )

    def test_tracking_reference_names_the_shipment_of_an_undated_bill(self):
        _order, shipment, _charge = self._delivered_shipment("ST-T", 100.0)
        shipment.picking_id = self.env["stock.picking"].create(
            {
                "picking_type_id": self.env.ref("stock.picking_type_out").id,
                "carrier_tracking_ref": "1Z999",
            }
        )
        bill = self._create_bill([("1Z999", "base_freight", 100.0)], invoice_date=False)
        self._run("carrier_settlement")
        self.assertEqual(bill.logistics_settlement_state, "ready")

    def _hold_with_exception_owner(self, reference, owner):
        self.env["logistics.data.ownership"]._get_owner(
            "carrier_settlement"
        ).exception_owner_id = owner
        self._delivered_shipment(reference, 100.0)
        bill = self._create_bill([(reference, "base_freight", 160.0)])
        self._run("carrier_settlement")
        return self._hold_activities(bill)

    def test_hold_goes_to_the_exception_owner_who_is_a_freight_auditor(self):
        self.assertEqual(
            self._hold_with_exception_owner("ST-OWN", self.auditor).user_id, self.auditor
        )

    def test_hold_never_goes_to_someone_who_cannot_resolve_it(self):
        """The matrix names a Logistics Manager, who sees no button on a held bill:
        a Freight Auditor of the company gets the activity instead."""
        activity = self._hold_with_exception_owner("ST-MGR", self.logistics_manager)
        self.assertNotEqual(activity.user_id, self.logistics_manager)
        self.assertTrue(activity.user_id.has_group(AUDITOR_GROUP))
        self.assertIn(self.company, activity.user_id.company_ids)

    def test_mismatch_holds_the_bill_until_corrected(self):
        self._delivered_shipment("ST-2", 100.0)
        bill = self._create_bill([("ST-2", "base_freight", 160.0)])
        self._run("carrier_settlement")
        self.assertEqual(bill.logistics_settlement_state, "held")
        self.assertIn("outside the carrier's tolerance", bill.logistics_hold_reason)
        activity = self._hold_activities(bill)
        self.assertEqual(len(activity), 1)
        self.assertTrue(activity.user_id.has_group(AUDITOR_GROUP))
        with self.assertRaisesRegex(UserError, "on hold"):
            bill.action_post()
        with self.assertRaisesRegex(UserError, "on hold"):
            bill.action_register_payment()
        self._run("carrier_settlement")
        self.assertEqual(len(self._hold_activities(bill)), 1, "one activity, however many runs")
        logs = self.env["logistics.integration.log"].search(
            [("model", "=", "account.move"), ("res_id", "=", bill.id)]
        )
        self.assertEqual(logs.mapped("state"), ["needs_review"], "one record per outcome")
        bill.invoice_line_ids.price_unit = 101.0
        self.assertEqual(bill.logistics_settlement_state, "to_settle")
        self._run("carrier_settlement")
        self.assertEqual(bill.logistics_settlement_state, "ready")
        self.assertFalse(self._hold_activities(bill))

    def test_unknown_reference_other_carrier_unapproved_and_double_billing(self):
        self._delivered_shipment("ST-3", 100.0)
        other_carrier = self._create_carrier("Slow Freight")
        _order, other_shipment = self._create_order_shipment(other_carrier, 100.0, "ST-4")
        self._add_actual_charge(other_shipment, 100.0)
        _order, held_shipment, held_charge = self._delivered_shipment("ST-5", 190.0)
        self.assertEqual(held_charge.state, "on_hold")
        first = self._create_bill([("ST-3", "base_freight", 100.0)])
        bill = self._create_bill(
            [
                ("NOPE-1", "base_freight", 50.0),
                ("ST-4", "base_freight", 100.0),
                ("ST-5", "base_freight", 190.0),
                ("ST-3", "fuel_surcharge", 5.0),
            ]
        )
        self._run("carrier_settlement")
        self.assertEqual(first.logistics_settlement_state, "ready")
        states = {
            line.logistics_shipment_ref + "/" + line.logistics_charge_type: (
                line.logistics_match_state
            )
            for line in bill.invoice_line_ids
        }
        self.assertEqual(
            states,
            {
                "NOPE-1/base_freight": "unmatched",
                "ST-4/base_freight": "mismatch",
                "ST-5/base_freight": "mismatch",
                "ST-3/fuel_surcharge": "mismatch",
            },
        )
        self.assertIn("not billed by Fast Freight Ltd", bill.logistics_hold_reason)
        self.assertIn("On Hold, not approved", bill.logistics_hold_reason)
        self.assertIn("no freight charge of this type", bill.logistics_hold_reason)
        again = self._create_bill([("ST-3", "base_freight", 100.0)])
        self._run("carrier_settlement")
        self.assertEqual(again.logistics_settlement_state, "held")
        self.assertIn("Already billed on", again.logistics_hold_reason)

    def test_other_company_shipment_is_not_matched(self):
        other_carrier = self._create_carrier("Other Co Freight")
        other_carrier.logistics_partner_id = self.vendor
        self._create_shipment(
            company_id=self.other_company.id, carrier_id=other_carrier.id, tms_reference="MC-1"
        )
        bill = self._create_bill([("MC-1", "base_freight", 100.0)])
        self._run("carrier_settlement")
        self.assertEqual(bill.invoice_line_ids.logistics_match_state, "unmatched")

    def test_report_access(self):
        self._delivered_shipment("ST-6", 100.0)
        bill = self._create_bill([("ST-6", "base_freight", 100.0)])
        self._run("carrier_settlement")
        action = self.env.ref("logistics_settlement.carrier_bill_line_action")
        domain = safe_eval(action.domain)
        lines = self.env["account.move.line"].with_user(self.auditor).search(domain)
        self.assertIn(bill.invoice_line_ids, lines)
        self.assertEqual(
            lines.filtered(lambda line: line.move_id == bill).logistics_match_state, "matched"
        )
        outsider = self._create_user(
            "lgx_auditor_other",
            "logistics_settlement.group_freight_auditor",
            company=self.other_company,
        )
        self.assertFalse(
            self.env["account.move.line"]
            .with_user(outsider)
            .search(domain + [("move_id", "=", bill.id)])
        )
        with self.assertRaises(AccessError):
            self.env["logistics.freight.accrual"].with_user(self.logistics_user).search([])


class TestMultiCompanySettlement(LogisticsSettlementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company=cls.other_company, install_demo=False
        )

    def _create_other_company_bill(self, reference):
        return self._create_bill([(reference, "base_freight", 100.0)], company=self.other_company)

    def test_bills_match_shipments_of_their_own_company_only(self):
        self._delivered_shipment("MC-2", 100.0)
        own = self.env["logistics.shipment"].create(
            {
                "partner_id": self.customer.id,
                "company_id": self.other_company.id,
                "carrier_id": self.carrier.id,
                "tms_reference": "MC-3",
            }
        )
        self.env["logistics.freight.charge"].create(
            {
                "shipment_id": own.id,
                "currency_id": self.other_company.currency_id.id,
                "expected_amount": 100.0,
                "actual_amount": 100.0,
                "has_actual": True,
            }
        )._reconcile()
        foreign = self._create_other_company_bill("MC-2")
        matched = self._create_other_company_bill("MC-3")
        self._run("carrier_settlement")
        self.assertEqual(foreign.invoice_line_ids.logistics_match_state, "unmatched")
        self.assertEqual(matched.logistics_settlement_state, "ready")
        self.assertEqual(own.charge_ids.carrier_bill_id, matched)

    def test_only_freight_auditors_match_by_hand(self):
        self._delivered_shipment("MC-4", 100.0)
        bill = self._create_bill([("MC-4", "base_freight", 100.0)])
        with self.assertRaises(AccessError):
            bill.with_user(self.logistics_user).action_logistics_match()
        bill.with_user(self.auditor).action_logistics_match()
        self.assertEqual(bill.logistics_settlement_state, "ready")
