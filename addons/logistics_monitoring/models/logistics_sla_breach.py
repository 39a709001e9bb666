from markupsafe import Markup, escape

from odoo import _, api, fields, models

SLA_ACTIVITY = "logistics_monitoring.mail_activity_type_sla_breach"

SLA_METRICS = [
    ("ack_latency", "Order confirmed to TMS acknowledged (min, p95)"),
    ("milestone_latency", "Callback to milestone (min, p95)"),
    ("failure_rate", "Failure rate (%)"),
    ("backlog_age", "Oldest backlog (min)"),
    ("review_wait", "Oldest review waiting (h)"),
]


class LogisticsSlaBreach(models.Model):
    """A period during which an exchange type missed one of its SLA targets.

    Opened and closed by the scheduled SLA evaluation; the owner acts on it
    through its activity.
    """

    _name = "logistics.sla.breach"
    _description = "SLA Breach"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "start desc, id desc"

    exchange_type_id = fields.Many2one(
        comodel_name="logistics.exchange.type", required=True, ondelete="cascade", index=True
    )
    endpoint_id = fields.Many2one(related="exchange_type_id.endpoint_id", store=True, index=True)
    company_id = fields.Many2one(related="exchange_type_id.company_id", store=True, index=True)
    metric = fields.Selection(selection=SLA_METRICS, required=True, readonly=True)
    state = fields.Selection(
        selection=[("open", "Open"), ("closed", "Closed")],
        required=True,
        default="open",
        index=True,
        readonly=True,
        tracking=True,
    )
    start = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    end = fields.Datetime(readonly=True, tracking=True)
    measured_value = fields.Float(
        readonly=True, aggregator="max", help="The latest measurement that missed the target."
    )
    worst_value = fields.Float(readonly=True, aggregator="max")
    target_value = fields.Float(readonly=True, aggregator="max")
    owner_id = fields.Many2one(comodel_name="res.users", readonly=True, tracking=True)
    duration_hours = fields.Float(
        compute="_compute_duration_hours",
        store=True,
        aggregator="sum",
        help="How long the target was missed (closed breaches).",
    )

    @api.depends("start", "end")
    def _compute_duration_hours(self):
        for breach in self:
            if breach.end:
                breach.duration_hours = (breach.end - breach.start).total_seconds() / 3600.0
            else:
                breach.duration_hours = 0.0

    @api.depends("exchange_type_id", "metric", "start")
    def _compute_display_name(self):
        labels = dict(SLA_METRICS)
        for breach in self:
            breach.display_name = _(
                "%(exchange_type)s: %(metric)s",
                exchange_type=breach.exchange_type_id.display_name,
                metric=labels.get(breach.metric, breach.metric),
            )

    def _close_breach(self, now, value):
        """Close on recovery: the activity is done, the watchers are told."""
        for breach in self:
            breach.write({"state": "closed", "end": now})
            text = _(
                "SLA recovered on %(exchange_type)s: %(metric)s is %(value)s, target %(target)s",
                exchange_type=breach.exchange_type_id.display_name,
                metric=dict(SLA_METRICS)[breach.metric],
                value=value if value is not None else _("not measured"),
                target=breach.target_value,
            )
            breach.activity_feedback([SLA_ACTIVITY], feedback=text)
            breach.message_post(body=text)
            breach._notify_sla_watchers(text)

    def _notify_sla_watchers(self, text):
        """Tell the company's SLA channel and e-mail address, those configured."""
        self.ensure_one()
        company = self.company_id or self.env.company
        if company.logistics_sla_channel_id:
            company.logistics_sla_channel_id.sudo().message_post(
                body=Markup("<p>%s</p>") % escape(text),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        if company.logistics_sla_email:
            self.env["mail.mail"].sudo().create(
                {
                    "subject": text,
                    "body_html": Markup("<p>%s</p>") % escape(text),
                    "email_to": company.logistics_sla_email,
                    "model": self._name,
                    "res_id": self.id,
                }
            )
