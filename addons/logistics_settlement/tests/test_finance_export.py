import json

import responses

from odoo.addons.logistics_integration.tests.common import trap_jobs

from ..contract import FinanceShipmentV1
from .common import LogisticsSettlementCase

FINANCE_URL = "http://127.0.0.1:8998/v1/finance/shipments"


class TestFinanceExport(LogisticsSettlementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.finance = cls._create_endpoint(
            name="Finance", code="finance", kind="finance", base_url="http://127.0.0.1:8998"
        )

    def _invoiced_shipment(self, reference):
        order, shipment, _charge = self._delivered_shipment(reference, 101.0)
        invoice = order._create_invoices()
        invoice.action_post()
        return shipment, invoice

    def _messages(self, shipment):
        return self.env["logistics.outbound.message"].search(
            [("model", "=", shipment._name), ("res_id", "=", shipment.id)], order="id"
        )

    @responses.activate
    def test_invoice_ready_shipment_is_pushed_once_per_version(self):
        responses.post(FINANCE_URL, status=200, json={"status": "accepted"})
        shipment, invoice = self._invoiced_shipment("FE-1")
        with trap_jobs() as trap:
            line = self._run("finance_export")
            self.assertIn("1 shipments queued", line.last_run_message)
            trap.assert_jobs_count(1)
            trap.perform_enqueued_jobs()
        message = self._messages(shipment)
        self.assertEqual(message.state, "sent")
        self.assertEqual(message.schema_version, "finance-shipment/1")
        sent = json.loads(responses.calls[0].request.body)
        FinanceShipmentV1.model_validate(sent)
        self.assertEqual(sent["document_version"], 1)
        self.assertEqual(sent["correlation_id"], shipment.correlation_id)
        self.assertEqual(sent["invoices"][0]["number"], invoice.name)
        self.assertEqual(sent["charges"][0]["actual_amount"], 101.0)
        self.assertEqual(
            responses.calls[0].request.headers["Idempotency-Key"], message.idempotency_key
        )

        # Nothing changed: a second run sends nothing.
        with trap_jobs() as trap:
            invoice.write({"ref": "touched"})
            self._run("finance_export")
            trap.assert_jobs_count(0)
        self.assertEqual(len(self._messages(shipment)), 1)

        # The invoice is paid: a new version with its own idempotency key.
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        with trap_jobs() as trap:
            self._run("finance_export")
            trap.assert_jobs_count(1)
        messages = self._messages(shipment)
        self.assertEqual(messages.mapped("payload_version"), [1, 2])
        self.assertNotEqual(messages[0].idempotency_key, messages[1].idempotency_key)
        self.assertEqual(json.loads(messages[1].payload)["document_version"], 2)

        # The carrier's bill settles the charge: version 3 names it.
        bill = self._create_bill([("FE-1", "base_freight", 101.0)])
        bill.ref = "FF-2026-77"
        self._run("carrier_settlement")
        with trap_jobs() as trap:
            self._run("finance_export")
            trap.assert_jobs_count(1)
        document = json.loads(self._messages(shipment)[-1].payload)
        self.assertEqual(document["document_version"], 3)
        self.assertEqual(document["charges"][0]["carrier_bill"], "FF-2026-77")

    def test_invalid_document_is_reported_not_sent(self):
        shipment, _invoice = self._invoiced_shipment("FE-2")
        shipment.correlation_id = False
        with trap_jobs() as trap:
            line = self._run("finance_export")
            trap.assert_jobs_count(0)
        self.assertEqual(line.last_run_state, "incomplete", "retried by the next run")
        self.assertIn(f"Invalid: {shipment.name}", line.last_run_message)
        self.assertIn("correlation_id", line.last_run_message)
        self.assertFalse(self._messages(shipment))

    def test_other_company_endpoint_is_not_used(self):
        self.finance.company_id = self.other_company
        shipment, _invoice = self._invoiced_shipment("FE-3")
        with trap_jobs() as trap:
            line = self._run("finance_export")
            trap.assert_jobs_count(0)
        self.assertIn("1 without a finance endpoint", line.last_run_message)
        self.assertFalse(self._messages(shipment))
