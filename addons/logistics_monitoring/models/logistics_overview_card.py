from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .logistics_overview import DEFAULT_WINDOW

SEVERITIES = [("ok", "All clear"), ("warning", "Warning"), ("danger", "Danger")]


class LogisticsOverviewCard(models.Model):
    """The figures of an Overview card, the screen's actions and the endpoint cards.

    Figures are not stored: they are computed for all cards of a screen at once by
    ``logistics.overview``, the endpoints' with a handful of SQL aggregates, each
    business card's with a count of its definition's domain.
    """

    _inherit = "logistics.overview.card"

    severity = fields.Selection(selection=SEVERITIES, compute="_compute_figures")
    window = fields.Selection(
        selection=[("24h", "Last 24 hours"), ("7d", "Last 7 days"), ("30d", "Last 30 days")],
        compute="_compute_figures",
        help="The time window of the figures.",
    )
    exchange_count = fields.Integer(compute="_compute_figures", string="Exchanges")
    failure_count = fields.Integer(compute="_compute_figures", string="Failures")
    failure_rate = fields.Float(compute="_compute_figures", string="Failure Rate (%)")
    duration_p50_ms = fields.Float(compute="_compute_figures", string="p50 (ms)")
    duration_p95_ms = fields.Float(compute="_compute_figures", string="p95 (ms)")
    job_pending_count = fields.Integer(compute="_compute_figures", string="Jobs Pending")
    job_failed_count = fields.Integer(compute="_compute_figures", string="Jobs Failed")
    review_count = fields.Integer(compute="_compute_figures", string="Review Backlog")
    review_oldest_hours = fields.Float(compute="_compute_figures", string="Oldest Review (h)")
    bridge_count = fields.Integer(compute="_compute_figures", string="Bridges")
    bridge_stale_count = fields.Integer(compute="_compute_figures", string="Stale Bridges")
    bridge_pending_count = fields.Integer(
        compute="_compute_figures",
        string="Pending in Bridges",
        help="Events the bridges serving this endpoint hold for Odoo, as of their last heartbeat.",
    )
    bridge_oldest_pending_seconds = fields.Float(
        compute="_compute_figures",
        string="Oldest Pending in Bridges (s)",
        help="Age of the oldest event a bridge holds for Odoo, as of its last heartbeat: "
        "after an outage of Odoo, how far behind the callbacks are.",
    )
    indicator_count = fields.Integer(compute="_compute_figures", string="Count")
    indicator_overdue_count = fields.Integer(
        compute="_compute_figures",
        string="Overdue",
        help="Of the count, the records past their deadline: the card shows a problem.",
    )
    sla_within_count = fields.Integer(
        compute="_compute_figures",
        string="Callbacks Within SLA",
        help="Callbacks of the window turned into a milestone within the SLA target.",
    )
    sla_measured_count = fields.Integer(compute="_compute_figures", string="Callbacks Measured")
    sla_compliance = fields.Float(
        compute="_compute_figures",
        string="SLA Compliance (%)",
        help="Share of the window's callbacks turned into a milestone within the SLA target "
        "of the endpoint's inbound exchange type.",
    )
    trend_data = fields.Json(
        compute="_compute_figures",
        string="Trend",
        help="Exchanges and failures of the window, per hour (24 h) or per day.",
    )

    @api.depends_context("uid", "allowed_company_ids", "overview_window")
    @api.depends(
        "kind",
        "endpoint_id",
        "res_model_id",
        "domain",
        "danger_domain",
        "date_field",
        "warning_threshold",
        "danger_threshold",
    )
    def _compute_figures(self):
        overview = self.env["logistics.overview"]
        now = fields.Datetime.now()
        endpoint_cards = self.filtered(lambda c: c.kind == "endpoint")
        endpoints = endpoint_cards.endpoint_id
        per_endpoint = overview._endpoint_figures(endpoints, now)
        trend = overview._trend(endpoints, now)
        compliance = overview._sla_compliance(endpoints, now)
        # one row per running bridge process
        bridges = self.env["logistics.bridge.instance"].search([])  # pylint: disable=no-search-all
        business = overview._business_figures(self - endpoint_cards, now)
        for card in self:
            values = dict.fromkeys(
                ("exchange_count", "failure_count", "job_pending_count", "job_failed_count"), 0
            )
            values.update(
                window=overview._window(),
                failure_rate=0.0,
                duration_p50_ms=0.0,
                duration_p95_ms=0.0,
                review_count=0,
                review_oldest_hours=0.0,
                bridge_count=0,
                bridge_stale_count=0,
                bridge_pending_count=0,
                bridge_oldest_pending_seconds=0.0,
                indicator_count=0,
                indicator_overdue_count=0,
                sla_within_count=0,
                sla_measured_count=0,
                sla_compliance=0.0,
                trend_data=False,
            )
            if card.kind == "business":
                values.update(business[card.id])
            else:
                endpoint = card.endpoint_id
                values.update(per_endpoint[endpoint.id])
                serving = bridges._serves(endpoint.code)
                within, measured = compliance[endpoint.id]
                values.update(
                    bridge_count=len(serving),
                    bridge_stale_count=len(serving.filtered("is_stale")),
                    sla_within_count=within,
                    sla_measured_count=measured,
                    sla_compliance=round(100.0 * within / measured, 1) if measured else 0.0,
                    trend_data=self._trend_bars(trend[endpoint.id]),
                    bridge_pending_count=sum(serving.mapped("pending_count")),
                    bridge_oldest_pending_seconds=max(
                        serving.mapped("oldest_pending_age_seconds"), default=0.0
                    ),
                )
            values["severity"] = card._severity(values)
            card.update(values)

    @api.model
    def _trend_bars(self, buckets):
        """The trend's buckets as bars: heights in % of the busiest bucket, a tooltip."""
        peak = max((bucket["total"] for bucket in buckets), default=0) or 1
        return [
            {
                **bucket,
                "ok_height": round(100.0 * (bucket["total"] - bucket["failed"]) / peak, 1),
                "failed_height": round(100.0 * bucket["failed"] / peak, 1),
                "title": _(
                    "Exchanges: %(total)s, failed: %(failed)s",
                    total=bucket["total"],
                    failed=bucket["failed"],
                ),
            }
            for bucket in buckets
        ]

    def _severity(self, figures):
        """ok, warning or danger for the card's figures: its headline (the count of a
        business card, the failure rate of an endpoint card) against the card's
        thresholds; a business card with overdue records, an endpoint with failed jobs
        or stale bridges is a problem, an endpoint with events to review needs a look."""
        self.ensure_one()
        if self.kind == "business":
            value = figures["indicator_count"]
            if figures["indicator_overdue_count"]:
                return "danger"
        else:
            value = figures["failure_rate"]
            if figures["job_failed_count"] or figures["bridge_stale_count"]:
                return "danger"
        if value >= self.danger_threshold and value > 0:
            return "danger"
        if value >= self.warning_threshold and value > 0:
            return "warning"
        if self.kind == "endpoint" and figures["review_count"]:
            return "warning"
        return "ok"

    @api.model
    def _sync_endpoint_cards(self):
        """One active card per active endpoint; cards of archived endpoints are archived."""
        cards = self.sudo().with_context(active_test=False)
        endpoints = self.env["logistics.endpoint"].sudo().search([])  # pylint: disable=no-search-all
        existing = cards.search([("kind", "=", "endpoint")])
        missing = endpoints - existing.endpoint_id
        cards.create(
            [
                {"kind": "endpoint", "endpoint_id": endpoint.id, "name": endpoint.name}
                for endpoint in missing
            ]
        )
        for card in existing:
            wanted = card.endpoint_id.active
            if card.active != wanted or card.name != card.endpoint_id.name:
                card.write({"active": wanted, "name": card.endpoint_id.name})

    @api.model
    def _action_open_overview(self):
        """The overview screen, with its endpoint cards brought up to date."""
        self._sync_endpoint_cards()
        return self._overview_action(DEFAULT_WINDOW)

    @api.model
    def _overview_action(self, window):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "logistics_monitoring.logistics_overview_card_action"
        )
        labels = dict(self._fields["window"]._description_selection(self.env))
        action["name"] = action["display_name"] = _(
            "Overview: %(window)s", window=labels[window].lower()
        )
        action["context"] = {"overview_window": window}
        action["domain"] = self._shown_domain()
        return action

    @api.model
    def _shown_domain(self):
        """The cards of the Overview: the endpoints', and the business cards whose
        records the user may read, since their figures are counted as the user."""
        counted = self.search([("kind", "=", "business")]).sudo().res_model_id
        readable = counted.filtered(lambda model: self.env[model.model].has_access("read"))
        return ["|", ("kind", "=", "endpoint"), ("res_model_id", "in", readable.ids)]

    def action_overview_window(self):
        """The overview over another time window (``overview_window`` in the context);
        a header button, called on the selected cards (if any), which it ignores."""
        window = self.env["logistics.overview"]._window()
        # a new screen, not a step deeper: the breadcrumbs start over
        return {**self._overview_action(window), "target": "main"}

    def action_open_figure(self):
        """Open the records behind one figure of this card (``figure`` in the context)."""
        self.ensure_one()
        overview = self.env["logistics.overview"]
        figure = self.env.context.get("figure")
        list_view = self.list_view_id
        if self.kind == "business" and not figure:
            model, domain = self.res_model, overview._business_domain(self)
            title = self.name
        else:
            try:
                if self.kind == "endpoint":
                    model, domain = overview._endpoint_domain(self.endpoint_id, figure)
                    list_view = None
                elif figure == "overdue" and self.danger_domain:
                    model, domain = self.res_model, overview._business_domain(self, danger=True)
                else:
                    raise KeyError(figure)
            except KeyError:
                raise UserError(_("Unknown overview figure %(figure)r.", figure=figure)) from None
            title = f"{self.name}: {self._figure_label(figure)}"
        return {
            "type": "ir.actions.act_window",
            "name": title,
            "res_model": model,
            "domain": domain,
            "views": [(list_view.id if list_view else False, "list"), (False, "form")],
            "context": {"create": False},
            "target": "current",
            "help": Markup('<p class="o_view_nocontent_smiling_face">%s</p><p>%s</p>')
            % (_("All clear"), _("Nothing behind this figure needs attention right now.")),
        }

    def _figure_label(self, figure):
        labels = dict(self._fields["window"]._description_selection(self.env))
        window = labels[self.env["logistics.overview"]._window()].lower()
        labels = {
            "exchanges": _("exchanges, %(window)s", window=window),
            "failures": _("failures, %(window)s", window=window),
            "durations": _("timed exchanges, %(window)s", window=window),
            "jobs_pending": _("jobs pending"),
            "jobs_failed": _("jobs failed"),
            "reviews": _("review backlog"),
            "bridges": _("bridges"),
            "overdue": _("overdue"),
        }
        return labels[figure]
