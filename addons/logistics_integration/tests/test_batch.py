from datetime import timedelta
from unittest.mock import MagicMock, patch

from odoo.exceptions import UserError, ValidationError

from .common import LogisticsIntegrationCase


class TestBatchScheduler(LogisticsIntegrationCase):
    """Any addon registers its batch as data: a model and a private method, run by the
    core's one scheduled action on the window of its data domain."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.log_class = type(cls.env["logistics.integration.log"])
        cls.ownership = cls.env["logistics.data.ownership"]
        cls.line = cls.ownership._get_owner("invoice_release")
        cls.line.update_mode = "hourly"

    def setUp(self):
        super().setUp()
        # The method a batch names: called with the companies and the window.
        self.probe = MagicMock(return_value=("2 companies", True))
        patcher = patch.object(self.log_class, "_probe_batch", self.probe, create=True)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.batch = self.env["logistics.batch"].create(
            {
                "name": "Probe",
                "domain": "invoice_release",
                "model_name": "logistics.integration.log",
                "method_name": "_probe_batch",
            }
        )

    def test_registered_batch_runs_on_its_window(self):
        self.assertEqual(self.line.batch_id, self.batch)
        self.ownership._cron_run_batches()
        self.assertEqual(self.probe.call_count, 1)
        companies, (start, end) = self.probe.call_args.args
        self.assertIn(self.company, companies)
        self.assertIn(self.other_company, companies)
        self.assertLess(start, end)
        self.assertEqual(self.line.last_run_state, "done")
        self.assertEqual(self.line.last_window_end, end)
        self.assertIn("companies", self.line.last_run_message)

        self.ownership._cron_run_batches()
        self.assertEqual(self.probe.call_count, 1, "hourly: not due again within the hour")

        self.line.last_run_date -= timedelta(hours=2)
        self.ownership._cron_run_batches()
        self.assertEqual(self.probe.call_count, 2)
        self.assertLess(
            self.probe.call_args.args[1][0], end, "the next window overlaps the last one"
        )

    def test_archived_or_unselected_batch_does_not_run(self):
        self.ownership._cron_run_batches(["orders"])
        self.probe.assert_not_called()
        self.batch.active = False
        self.ownership._cron_run_batches()
        self.probe.assert_not_called()
        self.assertFalse(self.line.batch_id, "Run Now is offered for running batches only")
        with self.assertRaisesRegex(UserError, "No active batch is registered"):
            self.line._run_batch((self.line.last_window_end, self.line.last_window_end))
        self.probe.assert_not_called()

    def test_run_now_ignores_the_interval(self):
        self.line.action_run_now()
        self.line.action_run_now()
        self.assertEqual(self.probe.call_count, 2)

    def test_a_batch_names_a_matrix_domain_and_a_private_method(self):
        batches = self.env["logistics.batch"]
        for values in (
            {"domain": "no_such_domain"},
            {"domain": "orders", "method_name": "action_run_now"},
            {"domain": "orders", "method_name": "_no_such_method"},
            {"domain": "orders", "model_name": "no.such.model"},
        ):
            vals = {
                "name": "Wrong",
                "model_name": "logistics.data.ownership",
                "method_name": "_get_owner",
                **values,
            }
            with (
                self.subTest(values=values),
                self.assertRaises(ValidationError),
                self.env.cr.savepoint(),
            ):
                batches.create(vals)
