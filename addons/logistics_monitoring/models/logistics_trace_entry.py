from odoo import api, fields, models

TRACE_KINDS = [
    ("order", "Order Confirmed"),
    ("outbound", "Outbound Message"),
    ("job", "Queue Job"),
    ("attempt", "Outbound Attempt"),
    ("exchange", "Exchange"),
    ("inbound", "Inbound Event"),
    ("milestone", "Milestone"),
    ("mail", "Customer Message"),
    ("invoice", "Invoice"),
]
# Each branch's rows get id = source id * KIND_SLOTS + kind position: stable ids
# without a window function, which would stop PostgreSQL from pushing the
# correlation id filter into the branches.
KIND_SLOTS = 16


class LogisticsTraceEntry(models.Model):
    """Everything that happened under one correlation id, one row per fact.

    A read-only SQL view over the order, the outbox, the queue jobs, the
    integration log, the inbox, the milestones, the customer messages and the
    invoices; the Trace buttons filter it on one correlation id.
    """

    _name = "logistics.trace.entry"
    _inherit = ["logistics.related.record.mixin"]
    _description = "Trace Entry"
    _auto = False
    _order = "moment, id"
    _rec_name = "summary"

    correlation_id = fields.Char(readonly=True)
    moment = fields.Datetime(string="When", readonly=True)
    kind = fields.Selection(selection=TRACE_KINDS, readonly=True)
    summary = fields.Char(readonly=True)
    state = fields.Char(readonly=True)
    received_time = fields.Datetime(
        string="Bridge Receipt",
        readonly=True,
        help="When the bridge received the callback (inbound events and milestones).",
    )
    traceparent = fields.Char(
        string="Trace Parent",
        readonly=True,
        help="W3C traceparent the sender's call carried (inbound events that had one).",
    )
    res_model = fields.Char(string="Record Model", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    res_id = fields.Many2oneReference(string="Record", model_field="res_model", readonly=True)

    @property
    def _table_query(self):
        slot = {kind: position for position, (kind, __) in enumerate(TRACE_KINDS)}
        return f"""
            SELECT so.id::bigint * {KIND_SLOTS} + {slot["order"]} AS id,
                   so.logistics_correlation_id AS correlation_id, so.date_order AS moment,
                   'order' AS kind, so.name AS summary, so.state AS state,
                   NULL::timestamp AS received_time, NULL::varchar AS traceparent,
                   'sale.order' AS res_model, so.id AS res_id,
                   so.company_id AS company_id
              FROM sale_order so
             WHERE so.logistics_correlation_id IS NOT NULL AND so.state = 'sale'
            UNION ALL
            SELECT m.id::bigint * {KIND_SLOTS} + {slot["outbound"]}, m.correlation_id,
                   m.create_date, 'outbound', m.operation || ' v' || m.payload_version,
                   m.state, NULL, NULL, 'logistics.outbound.message', m.id, m.company_id
              FROM logistics_outbound_message m
             WHERE m.correlation_id IS NOT NULL
            UNION ALL
            SELECT j.id::bigint * {KIND_SLOTS} + {slot["job"]}, m.correlation_id,
                   j.date_created, 'job', j.name, j.state, NULL, NULL, 'queue.job', j.id,
                   m.company_id
              FROM logistics_outbound_message m JOIN queue_job j ON j.id = m.job_id
             WHERE m.correlation_id IS NOT NULL
            UNION ALL
            SELECT l.id::bigint * {KIND_SLOTS}
                       + CASE WHEN l.outbound_message_id IS NULL
                              THEN {slot["exchange"]} ELSE {slot["attempt"]} END,
                   l.correlation_id, l.create_date,
                   CASE WHEN l.outbound_message_id IS NULL THEN 'exchange' ELSE 'attempt' END,
                   concat_ws(' ', coalesce(l.operation, l.direction), '#' || l.attempt,
                             'HTTP ' || nullif(l.http_status, 0)),
                   l.state, NULL, NULL, 'logistics.integration.log', l.id, l.company_id
              FROM logistics_integration_log l
             WHERE l.correlation_id IS NOT NULL
            UNION ALL
            SELECT e.id::bigint * {KIND_SLOTS} + {slot["inbound"]}, s.correlation_id,
                   coalesce(e.received_time, e.create_date), 'inbound',
                   concat_ws(' ', e.event_type, e.raw_code, e.external_event_id), e.state,
                   e.received_time, e.traceparent, 'logistics.inbound.event', e.id, s.company_id
              FROM logistics_inbound_event e JOIN logistics_shipment s ON s.id = e.shipment_id
            UNION ALL
            SELECT ms.id::bigint * {KIND_SLOTS} + {slot["milestone"]}, s.correlation_id,
                   ms.event_time, 'milestone', coalesce(t.name->>'en_US', t.code), t.code,
                   ms.received_time, NULL, 'logistics.milestone', ms.id, s.company_id
              FROM logistics_milestone ms
              JOIN logistics_shipment s ON s.id = ms.shipment_id
              JOIN logistics_event_type t ON t.id = ms.event_type_id
            UNION ALL
            SELECT mm.id::bigint * {KIND_SLOTS} + {slot["mail"]}, s.correlation_id, mm.date, 'mail',
                   mm.subject, mm.message_type, NULL, NULL, 'mail.message', mm.id, s.company_id
              FROM mail_message mm
              JOIN logistics_shipment s ON mm.model = 'logistics.shipment' AND mm.res_id = s.id
             WHERE mm.message_type IN ('comment', 'email', 'email_outgoing')
               AND EXISTS (SELECT 1 FROM mail_message_res_partner_rel r
                            WHERE r.mail_message_id = mm.id)
            UNION ALL
            SELECT DISTINCT am.id::bigint * {KIND_SLOTS} + {slot["invoice"]},
                   so.logistics_correlation_id, am.create_date, 'invoice', am.name, am.state,
                   NULL::timestamp, NULL, 'account.move', am.id, am.company_id
              FROM sale_order so
              JOIN sale_order_line sol ON sol.order_id = so.id
              JOIN sale_order_line_invoice_rel r ON r.order_line_id = sol.id
              JOIN account_move_line aml ON aml.id = r.invoice_line_id
              JOIN account_move am ON am.id = aml.move_id
             WHERE so.logistics_correlation_id IS NOT NULL
               AND am.move_type IN ('out_invoice', 'out_refund')
        """

    @api.model
    def _action_for_correlation(self, correlation_id, title):
        """The trace of one transaction, oldest first."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "logistics_monitoring.logistics_trace_entry_action"
        )
        action["domain"] = [("correlation_id", "=", correlation_id or "-")]
        action["name"] = title
        return action
