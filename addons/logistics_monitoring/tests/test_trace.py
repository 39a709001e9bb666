import re
import uuid
from datetime import timedelta

import responses

from odoo import fields

from odoo.addons.logistics_tms_export.tests.common import TmsExportCase

ORDERS_URL = "http://127.0.0.1:8999/v1/orders"


class TestTrace(TmsExportCase):
    """One order's trace: every fact under its correlation id, oldest first."""

    def _trace(self, action):
        return self.env[action["res_model"]].search(action["domain"])

    @responses.activate
    def test_trace_of_an_order_from_confirmation_to_invoice(self):
        order, shipment = self._export_order()
        message = self._last_message(shipment)
        message._delay_send()
        responses.post(
            ORDERS_URL,
            status=201,
            json={"planning_reference": "TMS-TRACE-1", "carrier": {"code": "ROADX"}},
        )
        message._send()
        self.env.invalidate_all()

        # The call carried the order's trace beside its correlation id.
        headers = responses.calls[0].request.headers
        self.assertEqual(headers["X-Correlation-ID"], order.logistics_correlation_id)
        trace_id = uuid.UUID(order.logistics_correlation_id).hex
        self.assertRegex(headers["traceparent"], rf"^00-{trace_id}-[0-9a-f]{{16}}-01$")

        now = fields.Datetime.now()
        bridge_receipt = now - timedelta(minutes=3)
        milestone = self._add_milestone(shipment, "picked_up", now - timedelta(minutes=5))
        event = (
            self.env["logistics.inbound.event"]
            .sudo()
            .create(
                {
                    "endpoint_id": self.endpoint.id,
                    "external_event_id": "evt-trace-1",
                    "event_type": "status",
                    "raw_code": "AF",
                    "shipment_id": shipment.id,
                    "milestone_id": milestone.id,
                    "received_time": bridge_receipt,
                    "state": "processed",
                }
            )
        )
        shipment.message_post(
            body="Your goods are on their way.",
            subject="Picked up",
            partner_ids=shipment.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        shipment.message_post(body="Internal note, not a customer message.")
        invoice = order._create_invoices()

        from_shipment = self._trace(shipment.action_open_trace())
        from_order = self._trace(order.action_open_logistics_trace())
        self.assertEqual(from_shipment, from_order)
        entries = from_shipment
        kinds = set(entries.mapped("kind"))
        self.assertEqual(
            kinds,
            {"order", "outbound", "job", "attempt", "inbound", "milestone", "mail", "invoice"},
        )
        moments = entries.mapped("moment")
        self.assertEqual(moments, sorted(moments))
        inbound = entries.filtered(lambda e: e.kind == "inbound")
        self.assertEqual((inbound.res_model, inbound.res_id), (event._name, event.id))
        self.assertEqual(inbound.received_time, bridge_receipt)
        self.assertEqual(entries.filtered(lambda e: e.kind == "invoice").res_id, invoice.id)
        self.assertEqual(len(entries.filtered(lambda e: e.kind == "mail")), 1)
        attempt = entries.filtered(lambda e: e.kind == "attempt")
        self.assertTrue(re.search(r"HTTP 201", attempt.summary))
        opened = attempt.action_open_record()
        self.assertEqual(opened["res_model"], "logistics.integration.log")

        # A trace stays within its company.
        domain = shipment.action_open_trace()["domain"]
        trace = self.env["logistics.trace.entry"]
        self.assertEqual(trace.with_user(self.logistics_user).search(domain), entries)
        outsider = self._create_user(
            "lgx_trace_outsider",
            "logistics_integration.group_logistics_user",
            company=self.other_company,
        )
        self.assertFalse(trace.with_user(outsider).search(domain))
