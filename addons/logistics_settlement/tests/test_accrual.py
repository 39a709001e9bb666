from datetime import date, datetime

from .common import LogisticsSettlementCase

IN_OCTOBER = datetime(2026, 11, 10, 6, 0)


class TestFreightAccrual(LogisticsSettlementCase):
    def _accruals(self, companies):
        return self.env["logistics.freight.accrual"].search([("company_id", "in", companies.ids)])

    def _books(self):
        lines = self.env["account.move.line"].search(
            [("account_id", "in", (self.freight_cost_account | self.accrued_freight_account).ids)]
        )
        return sorted((str(line.date), line.account_id.code, line.balance) for line in lines)

    def test_one_accrual_per_period_reversed_next_day(self):
        _o, _s, unbilled = self._delivered_shipment("AC-1", 102.0)
        _o, _s, billed = self._delivered_shipment("AC-2", 100.0)
        self._delivered_shipment("AC-3", 50.0, delivered=datetime(2026, 11, 2, 9, 0))
        bill = self._create_bill([("AC-2", "base_freight", 100.0)])
        self._run("carrier_settlement")
        self.assertEqual(billed.carrier_bill_id, bill)

        line = self._run("freight_accruals", now=IN_OCTOBER)
        self.assertEqual(line.last_run_state, "done", line.last_run_message)
        accrual = self._accruals(self.company)
        self.assertEqual(len(accrual), 1)
        self.assertEqual(accrual.date_to, date(2026, 10, 31))
        self.assertEqual(accrual.charge_ids, unbilled)
        self.assertEqual(accrual.amount, 102.0)
        self.assertEqual(accrual.move_id.state, "posted")
        self.assertEqual(accrual.move_id.date, date(2026, 10, 31))
        self.assertEqual(accrual.reversal_move_id.date, date(2026, 11, 1))
        self.assertEqual(accrual.reversal_move_id.state, "posted")
        self.assertEqual(accrual.reversal_move_id.reversed_entry_id, accrual.move_id)
        books = self._books()
        self.assertEqual(
            books,
            [
                ("2026-10-31", "218900", -102.0),
                ("2026-10-31", "610900", 102.0),
                ("2026-11-01", "218900", 102.0),
                ("2026-11-01", "610900", -102.0),
            ],
        )

        # Not due again for the same period; forced, it changes nothing.
        self.assertIsNone(line._get_batch_window(IN_OCTOBER))
        line._run_batch((datetime(2026, 10, 1), datetime(2026, 11, 1)))
        self.assertIn("0 accrued", line.last_run_message)
        self.assertEqual(self._books(), books)
        self.assertEqual(self._accruals(self.company), accrual)

    def test_each_company_accrues_its_own_period_and_sees_only_its_own(self):
        self._delivered_shipment("AC-4", 100.0)
        other_company_period = self.env["logistics.freight.accrual"].create(
            {
                "company_id": self.other_company.id,
                "date_from": date(2026, 10, 1),
                "date_to": date(2026, 10, 31),
            }
        )
        self._run("freight_accruals", now=IN_OCTOBER)
        accruals = self._accruals(self.company | self.other_company)
        self.assertEqual(accruals.company_id, self.company | self.other_company)
        self.assertEqual(len(accruals), 2)
        self.assertFalse(other_company_period.move_id, "an accrued period is never redone")
        self.assertEqual(
            self.env["logistics.freight.accrual"].with_user(self.auditor).search([]),
            accruals - other_company_period,
        )

    def test_nothing_to_accrue_shows_no_line_and_the_matrix_counts_the_list(self):
        """The other company has no unbilled freight: no 0.00 accrual for it, and the
        batch's "accrued" figure is the number of accruals the list shows."""
        self._delivered_shipment("AC-5", 100.0)
        self._delivered_shipment("AC-6", 101.0)
        line = self._run("freight_accruals", now=IN_OCTOBER)
        self.assertFalse(self._accruals(self.other_company))
        listed = self.env["logistics.freight.accrual"].search(
            [("date_to", "=", date(2026, 10, 31))]
        )
        self.assertEqual(listed.company_id, self.company)
        self.assertEqual(listed.shipment_count, 2)
        self.assertIn(
            f"{len(listed)} accrued ({listed.shipment_count} shipments, 201.00)",
            line.last_run_message,
        )
