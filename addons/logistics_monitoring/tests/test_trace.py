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


class TestTraceTimeline(TmsExportCase):
    """The trace reads as a timeline across Odoo, its job queue, the TMS and the
    bridge: words instead of codes, the time between hops, the sender's trace."""

    TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"

    def _trace(self, action):
        return (
            self.env[action["res_model"]].with_context(**action["context"]).search(action["domain"])
        )

    def _picked_up(self, shipment, minutes_ago, traceparent=None):
        now = fields.Datetime.now()
        milestone = self._add_milestone(
            shipment, "picked_up", now - timedelta(minutes=minutes_ago + 2)
        )
        return (
            self.env["logistics.inbound.event"]
            .sudo()
            .create(
                {
                    "endpoint_id": self.endpoint.id,
                    "external_event_id": f"TMS-000001-status-{minutes_ago}",
                    "event_type": "status",
                    "raw_code": "AF",
                    "shipment_id": shipment.id,
                    "milestone_id": milestone.id,
                    "received_time": now - timedelta(minutes=minutes_ago),
                    "traceparent": traceparent,
                    "state": "processed",
                }
            )
        )

    def test_entries_in_words_with_the_time_between_hops(self):
        order, shipment = self._export_and_plan("TMS-000001")
        event = self._picked_up(shipment, minutes_ago=3)
        self.env.invalidate_all()
        action = order.action_open_logistics_trace()
        title = f"Trace of {order.name} · {order.logistics_correlation_id}"
        # The breadcrumb shows display_name when the action has one.
        self.assertEqual((action["name"], action["display_name"]), (title, title))
        entries = self._trace(action)
        by_kind = {entry.kind: entry for entry in entries}

        self.assertEqual(by_kind["order"].state_label, "Sales Order")
        self.assertEqual(by_kind["order"].description, f"Order {order.name} confirmed")
        self.assertEqual(by_kind["order"].system, "Odoo")
        picked_up = entries.filtered(
            lambda e: e.kind == "milestone" and e.res_id == event.milestone_id.id
        )
        self.assertEqual(picked_up.state_label, "Picked Up")
        self.assertEqual(picked_up.description, "Milestone: Picked Up")
        self.assertEqual(by_kind["inbound"].state_label, "Processed")
        self.assertEqual(
            by_kind["inbound"].description,
            f"Status update AF (Picked Up) from {self.endpoint.name} for TMS-000001",
        )
        self.assertEqual(by_kind["inbound"].system, "Bridge")
        self.assertEqual(by_kind["attempt"].system, self.endpoint.name)
        self.assertIn("HTTP 201", by_kind["attempt"].description)
        self.assertEqual(by_kind["attempt"].state_label, "Processed")
        message = self._last_message(shipment)
        self.assertEqual(
            by_kind["outbound"].description,
            f"{message.display_name} queued for {self.endpoint.name}",
        )
        self.assertEqual(by_kind["outbound"].state_label, "Sent")
        self.assertEqual(by_kind["inbound"].display_name, by_kind["inbound"].description)

        # the first fact has no predecessor, every later one the time since it
        self.assertFalse(entries[0].step_display)
        self.assertTrue(all(entry.step_display.startswith("+") for entry in entries[1:]))
        inbound_index = list(entries).index(by_kind["inbound"])
        gap = by_kind["inbound"].moment - entries[inbound_index - 1].moment
        self.assertEqual(
            by_kind["inbound"].step_display,
            entries._format_duration(gap.total_seconds()),
        )

    def test_trace_parent_column_only_when_a_sender_sent_one(self):
        order, shipment = self._export_and_plan("TMS-000002")
        self._picked_up(shipment, minutes_ago=3)
        action = order.action_open_logistics_trace()
        self.assertTrue(action["context"]["hide_traceparent"])
        self.assertFalse(any(self._trace(action).mapped("traceparent")))

        event = self._picked_up(shipment, minutes_ago=1, traceparent=self.TRACEPARENT)
        action = order.action_open_logistics_trace()
        self.assertFalse(action["context"]["hide_traceparent"])
        entries = self._trace(action)
        carrying = entries.filtered("traceparent")
        # the event the sender's call carried, and the milestone it made
        self.assertEqual(set(carrying.mapped("kind")), {"inbound", "milestone"})
        self.assertEqual(
            carrying.filtered(lambda e: e.kind == "milestone").res_id, event.milestone_id.id
        )
        self.assertEqual(set(carrying.mapped("traceparent")), {self.TRACEPARENT})

    def test_durations_read_as_a_person_says_them(self):
        trace = self.env["logistics.trace.entry"]
        self.assertEqual(trace._format_duration(0.85), "+850 ms")
        self.assertEqual(trace._format_duration(4.24), "+4.2 s")
        self.assertEqual(trace._format_duration(185), "+3 min 5 s")
        self.assertEqual(trace._format_duration(120), "+2 min")
        self.assertEqual(trace._format_duration(2 * 3600 + 600), "+2 h 10 min")
        self.assertEqual(trace._format_duration(3 * 86400 + 4 * 3600), "+3 d 4 h")
