from odoo import _, api, fields, models

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
    previous_moment = fields.Datetime(
        readonly=True, help="When the previous fact of the same transaction happened."
    )
    step_display = fields.Char(
        string="Since Previous",
        compute="_compute_step_display",
        help="Time from the previous fact of the same transaction to this one.",
    )
    system = fields.Char(
        compute="_compute_labels",
        help="Where the fact happened: Odoo, its job queue, the external system, the bridge.",
    )
    description = fields.Char(compute="_compute_labels", help="What happened, in words.")
    state_label = fields.Char(string="Status", compute="_compute_labels")
    res_model = fields.Char(string="Record Model", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    res_id = fields.Many2oneReference(string="Record", model_field="res_model", readonly=True)

    @property
    def _table_query(self):
        slot = {kind: position for position, (kind, __) in enumerate(TRACE_KINDS)}
        # The window is partitioned by correlation id, so PostgreSQL still pushes
        # the Trace buttons' filter on it down into every branch.
        return f"""
          SELECT facts.*,
                 lag(facts.moment) OVER (
                     PARTITION BY facts.correlation_id ORDER BY facts.moment, facts.id
                 ) AS previous_moment
            FROM (
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
                   m.create_date, 'outbound', m.exchange_type_code || ' v' || m.payload_version,
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
                   concat_ws(' ', coalesce(l.summary, l.direction), '#' || l.attempt,
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
                   ms.received_time,
                   (SELECT e.traceparent FROM logistics_inbound_event e
                     WHERE e.milestone_id = ms.id AND e.traceparent IS NOT NULL
                     ORDER BY e.id LIMIT 1),
                   'logistics.milestone', ms.id, s.company_id
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
            ) facts
        """

    @api.depends("moment", "previous_moment")
    def _compute_step_display(self):
        for entry in self:
            entry.step_display = (
                self._format_duration((entry.moment - entry.previous_moment).total_seconds())
                if entry.moment and entry.previous_moment
                else False
            )

    @api.model
    def _format_duration(self, seconds):
        """A gap between two facts, as a person reads it: +850 ms, +4.2 s, +3 min 5 s,
        +2 h 10 min, +3 d 4 h."""
        if seconds < 1:
            return f"+{round(seconds * 1000)} ms"
        if seconds < 60:
            return f"+{seconds:.1f} s"
        minutes, secs = divmod(round(seconds), 60)
        if minutes < 60:
            return f"+{minutes} min {secs} s" if secs else f"+{minutes} min"
        hours, minutes = divmod(minutes, 60)
        if hours < 24:
            return f"+{hours} h {minutes} min" if minutes else f"+{hours} h"
        days, hours = divmod(hours, 24)
        return f"+{days} d {hours} h" if hours else f"+{days} d"

    @api.depends("kind", "summary", "state", "res_model", "res_id")
    def _compute_labels(self):
        # Named for people allowed to read the trace; each record keeps its own rules.
        records = {}
        milestone_codes = [entry.state for entry in self if entry.kind == "milestone"]
        event_types = (
            self.env["logistics.event.type"].sudo().search([("code", "in", milestone_codes)])
        )
        milestone_names = {event_type.code: event_type.name for event_type in event_types}
        for model in set(self.mapped("res_model")):
            if model in self.env:
                ids = self.filtered(lambda e, m=model: e.res_model == m).mapped("res_id")
                records[model] = self.env[model].sudo().browse(ids).exists()
        for entry in self:
            record = self.env[entry.res_model].sudo().browse(entry.res_id)
            if entry.res_model not in records or record not in records[entry.res_model]:
                record = None
            describe = getattr(self, f"_describe_{entry.kind}", None)
            system, description = describe(record) if describe and record else (False, False)
            entry.system = system or self._system_of(entry.kind)
            entry.description = description or entry.summary
            if entry.kind == "milestone":
                entry.state_label = milestone_names.get(entry.state, entry.state)
            else:
                entry.state_label = self._state_label(entry, record)

    @api.depends("description")
    def _compute_display_name(self):
        for entry in self:
            entry.display_name = entry.description

    @api.model
    def _system_of(self, kind):
        return {
            "job": _("Job queue"),
            "attempt": _("External system"),
            "inbound": _("Bridge"),
        }.get(kind, _("Odoo"))

    @api.model
    def _selection_label(self, record, field_name, value):
        field = record._fields.get(field_name)
        if not field or field.type != "selection" or not value:
            return value
        return dict(field._description_selection(self.env)).get(value, value)

    def _state_label(self, entry, record):
        if entry.kind == "mail":
            return self._selection_label(self.env["mail.message"], "message_type", entry.state)
        if record is None:
            return entry.state
        return self._selection_label(record, "state", entry.state)

    def _describe_order(self, order):
        return _("Odoo"), _("Order %(order)s confirmed", order=order.name)

    def _describe_outbound(self, message):
        return _("Odoo"), _(
            "%(message)s queued for %(endpoint)s",
            message=message.display_name,
            endpoint=message.endpoint_id.name,
        )

    def _describe_job(self, job):
        return _("Job queue"), job.name

    def _describe_attempt(self, log):
        return log.endpoint_id.name or _("External system"), self._describe_call(log)

    def _describe_exchange(self, log):
        system = log.endpoint_id.name if log.direction == "outbound" else _("Bridge")
        return system, self._describe_call(log)

    def _describe_call(self, log):
        parts = [
            self._selection_label(log, "direction", log.direction),
            log.summary,
            _("attempt %(attempt)s", attempt=log.attempt) if log.attempt > 1 else None,
            f"HTTP {log.http_status}" if log.http_status else None,
        ]
        return " · ".join(part for part in parts if part)

    def _describe_inbound(self, event):
        kind = self._selection_label(event, "event_type", event.event_type) or _("Event")
        milestone = event.milestone_id.event_type_id.name
        code = " ".join(
            part for part in (event.raw_code, f"({milestone})" if milestone else None) if part
        )
        shipment = event.shipment_id
        return _("Bridge"), _(
            "%(kind)s update %(code)s from %(sender)s for %(shipment)s",
            kind=kind,
            code=code or "-",
            sender=event.endpoint_id.name,
            shipment=shipment.tms_reference or shipment.name or event.shipment_reference,
        )

    def _describe_milestone(self, milestone):
        return _("Odoo"), _("Milestone: %(milestone)s", milestone=milestone.event_type_id.name)

    def _describe_mail(self, message):
        return _("Odoo"), _("Message to the customer: %(subject)s", subject=message.subject or "")

    def _describe_invoice(self, move):
        return _("Odoo"), _("Invoice %(invoice)s", invoice=move.name)

    @api.model
    def _action_for_correlation(self, correlation_id, title):
        """The trace of one transaction, oldest first, titled with its correlation id;
        the Trace Parent column only when some fact came with one."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "logistics_monitoring.logistics_trace_entry_action"
        )
        domain = [("correlation_id", "=", correlation_id or "-")]
        action["domain"] = domain
        # The web client titles the breadcrumb with display_name before name.
        action["name"] = action["display_name"] = (
            f"{title} · {correlation_id}" if correlation_id else title
        )
        has_traceparent = bool(self.search_count([*domain, ("traceparent", "!=", False)], limit=1))
        action["context"] = {"hide_traceparent": not has_traceparent}
        return action
