from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .logistics_overview import BUSINESS_INDICATORS


class LogisticsOverviewCard(models.Model):
    """A card of Logistics > Overview: one endpoint, or one business indicator.

    Figures are not stored: they are computed for all cards of a screen at once
    by ``logistics.overview`` with a handful of SQL aggregates.
    """

    _name = "logistics.overview.card"
    _description = "Overview Card"
    # Endpoint cards first ("endpoint" > "business").
    _order = "kind desc, sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    kind = fields.Selection(
        selection=[("endpoint", "Endpoint"), ("business", "Business")],
        required=True,
        default="business",
    )
    endpoint_id = fields.Many2one(
        comodel_name="logistics.endpoint", ondelete="cascade", index="btree_not_null"
    )
    company_id = fields.Many2one(related="endpoint_id.company_id", store=True)
    indicator = fields.Selection(selection=[(key, key) for key in BUSINESS_INDICATORS])
    exchange_count = fields.Integer(compute="_compute_figures", string="Exchanges (24 h)")
    failure_count = fields.Integer(compute="_compute_figures", string="Failures (24 h)")
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

    _sql_constraints = [
        (
            "kind_consistent",
            "CHECK((kind = 'endpoint' AND endpoint_id IS NOT NULL AND indicator IS NULL) "
            "OR (kind = 'business' AND endpoint_id IS NULL AND indicator IS NOT NULL))",
            "An endpoint card names an endpoint; a business card names an indicator.",
        ),
    ]

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_figures(self):
        overview = self.env["logistics.overview"]
        now = fields.Datetime.now()
        endpoint_cards = self.filtered(lambda c: c.kind == "endpoint")
        per_endpoint = overview._endpoint_figures(endpoint_cards.endpoint_id, now)
        # one row per running bridge process
        bridges = self.env["logistics.bridge.instance"].search([])  # pylint: disable=no-search-all
        business = overview._business_figures(now) if self - endpoint_cards else {}
        for card in self:
            values = dict.fromkeys(
                ("exchange_count", "failure_count", "job_pending_count", "job_failed_count"), 0
            )
            values.update(
                failure_rate=0.0,
                duration_p50_ms=0.0,
                duration_p95_ms=0.0,
                review_count=0,
                review_oldest_hours=0.0,
                bridge_count=0,
                bridge_stale_count=0,
                bridge_pending_count=0,
                bridge_oldest_pending_seconds=0.0,
                indicator_count=business.get(card.indicator, 0),
            )
            if card.kind == "endpoint":
                values.update(per_endpoint[card.endpoint_id.id])
                serving = bridges._serves(card.endpoint_id.code)
                values.update(
                    bridge_count=len(serving),
                    bridge_stale_count=len(serving.filtered("is_stale")),
                    bridge_pending_count=sum(serving.mapped("pending_count")),
                    bridge_oldest_pending_seconds=max(
                        serving.mapped("oldest_pending_age_seconds"), default=0.0
                    ),
                )
            card.update(values)

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
        return self.env["ir.actions.act_window"]._for_xml_id(
            "logistics_monitoring.logistics_overview_card_action"
        )

    def action_open_figure(self):
        """Open the records behind one figure of this card (``figure`` in the context)."""
        self.ensure_one()
        overview = self.env["logistics.overview"]
        figure = self.env.context.get("figure")
        if self.kind == "business":
            model, domain = overview._business_domain(self.indicator)
            title = self.name
        else:
            try:
                model, domain = overview._endpoint_domain(self.endpoint_id, figure)
            except KeyError:
                raise UserError(_("Unknown overview figure %(figure)r.", figure=figure)) from None
            title = f"{self.name}: {self._figure_label(figure)}"
        return {
            "type": "ir.actions.act_window",
            "name": title,
            "res_model": model,
            "domain": domain,
            "views": [(False, "list"), (False, "form")],
            "context": {"create": False},
            "target": "current",
        }

    def _figure_label(self, figure):
        labels = {
            "exchanges": _("exchanges of the last 24 h"),
            "failures": _("failures of the last 24 h"),
            "durations": _("timed exchanges of the last 24 h"),
            "jobs_pending": _("jobs pending"),
            "jobs_failed": _("jobs failed"),
            "reviews": _("review backlog"),
            "bridges": _("bridges"),
        }
        return labels[figure]
