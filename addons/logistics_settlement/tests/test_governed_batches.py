from datetime import datetime, timedelta
from unittest.mock import patch

from odoo.tests import freeze_time

from .common import LogisticsSettlementCase

NOW = datetime(2026, 11, 10, 6, 0)


class TestGovernedBatches(LogisticsSettlementCase):
    def _owner(self, domain):
        return self.env["logistics.data.ownership"]._get_owner(domain)

    def test_matrix_names_mode_and_window_per_domain(self):
        self.assertEqual(self._owner("shipment_status").update_mode, "realtime")
        self.assertEqual(self._owner("carrier_settlement").update_mode, "daily")
        self.assertEqual(self._owner("freight_accruals").update_mode, "period_end")
        self.assertEqual(self._owner("finance_export").update_mode, "daily")

        line = self._owner("finance_export")
        line.write({"last_run_date": NOW, "last_window_end": NOW})
        self.assertIsNone(line._get_batch_window(NOW + timedelta(hours=23)))
        start, end = line._get_batch_window(NOW + timedelta(days=1))
        self.assertEqual(end, NOW + timedelta(days=1))
        self.assertLess(start, NOW, "windows overlap: late commits are not missed")
        line.update_mode = "hourly"
        self.assertTrue(line._get_batch_window(NOW + timedelta(hours=1)))
        line.update_mode = "realtime"
        self.assertTrue(line._get_batch_window(NOW))

        accruals = self._owner("freight_accruals")
        self.assertEqual(
            accruals._get_batch_window(NOW), (datetime(2026, 10, 1), datetime(2026, 11, 1))
        )

    def test_cron_records_last_run_and_result(self):
        self._delivered_shipment("GB-1", 100.0)
        self._create_bill([("GB-1", "base_freight", 100.0)])
        self.env["logistics.data.ownership"]._cron_run_batches(["carrier_settlement"])
        line = self._owner("carrier_settlement")
        self.assertEqual(line.last_run_state, "done")
        self.assertTrue(line.last_run_date)
        self.assertIn("1 ready to pay", line.last_run_message)
        last = line.last_run_date
        self.env["logistics.data.ownership"]._cron_run_batches(["carrier_settlement"])
        self.assertEqual(line.last_run_date, last, "daily: not due again the same day")

    def test_cron_matches_bills_entered_in_the_second_it_runs(self):
        self._delivered_shipment("GB-4", 100.0)
        bill = self._create_bill([("GB-4", "base_freight", 100.0)])
        # The wall clock is still in the second the bill was entered in.
        with freeze_time(bill.create_date.replace(microsecond=0)):
            self.env["logistics.data.ownership"]._cron_run_batches(["carrier_settlement"])
        self.assertEqual(bill.logistics_settlement_state, "ready")
        self.assertIn("1 ready to pay", self._owner("carrier_settlement").last_run_message)

    def _todo(self, line):
        return line.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_todo")
        )

    def test_incomplete_run_keeps_its_window_and_asks_the_exception_owner(self):
        self._delivered_shipment("GB-2", 100.0)
        self.company.logistics_accrual_journal_id = False
        line = self._owner("freight_accruals")
        line.exception_owner_id = self.auditor
        self.assertFalse(line._run_batch(line._get_batch_window(NOW)))
        self.assertEqual(line.last_run_state, "incomplete")
        self.assertIn("Set the freight accrual journal", line.last_run_message)
        self.assertFalse(
            self.env["logistics.freight.accrual"].search([("company_id", "=", self.company.id)])
        )
        self.assertEqual(self._todo(line).user_id, self.auditor)
        window = line._get_batch_window(NOW)
        self.assertTrue(window, "the incomplete period is still due")

        self.company.logistics_accrual_journal_id = self.accrual_journal
        self.assertTrue(line._run_batch(window))
        self.assertEqual(line.last_run_state, "done")
        self.assertFalse(self._todo(line), "the next complete run closes the activity")
        self.assertTrue(
            self.env["logistics.freight.accrual"].search([("company_id", "=", self.company.id)])
        )

    def test_failed_run_is_rolled_back_and_recorded(self):
        self._delivered_shipment("GB-3", 100.0)
        bill = self._create_bill([("GB-3", "base_freight", 100.0)])
        line = self._owner("carrier_settlement")
        bills = type(self.env["account.move"])
        original = bills._logistics_follow_up_hold

        def follow_up_then_fail(move):
            original(move)
            raise ValueError("posting service unavailable")

        with patch.object(bills, "_logistics_follow_up_hold", follow_up_then_fail):
            self.assertFalse(line._run_batch(line._get_batch_window(datetime.now())))
        self.assertEqual(line.last_run_state, "failed")
        self.assertEqual(line.last_run_message, "posting service unavailable")
        self.assertFalse(line.last_window_end)
        self.assertEqual(bill.logistics_settlement_state, "to_settle", "rolled back")
        self.assertEqual(len(self._todo(line)), 1)

    def test_company_line_takes_its_company_out_of_the_global_line(self):
        global_line = self._owner("finance_export")
        self.assertIn(self.other_company, global_line._get_companies())
        own = self.env["logistics.data.ownership"].create(
            {
                "domain": "finance_export",
                "system_of_record": "odoo",
                "update_mode": "hourly",
                "company_id": self.other_company.id,
                "exception_owner_id": self.logistics_manager.id,
            }
        )
        self.assertEqual(own._get_companies(), self.other_company)
        self.assertNotIn(self.other_company, global_line._get_companies())
        self.assertEqual(
            self.env["logistics.data.ownership"]._get_exception_owner(
                "finance_export", self.other_company, "logistics_settlement.group_freight_auditor"
            ),
            self.logistics_manager,
        )

    def test_one_scheduled_action_runs_every_registered_batch(self):
        batches = self.env["logistics.batch"].search(
            [("domain", "in", ("carrier_settlement", "freight_accruals", "finance_export"))]
        )
        self.assertEqual(len(batches), 3, "settlement registers its own batches")
        cron = self.env.ref("logistics_integration.ir_cron_run_batches")
        self.assertEqual(cron.code.strip(), "model._cron_run_batches()")
        self._delivered_shipment("GB-5", 100.0)
        self._create_bill([("GB-5", "base_freight", 100.0)])
        cron.method_direct_trigger()
        for domain in ("carrier_settlement", "freight_accruals", "finance_export"):
            self.assertTrue(self._owner(domain).last_run_date, domain)
        self.assertIn("1 ready to pay", self._owner("carrier_settlement").last_run_message)
