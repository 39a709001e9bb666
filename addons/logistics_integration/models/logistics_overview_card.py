import math
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import safe_eval

from ..validation import check_bounds


class LogisticsOverviewCard(models.Model):
    """A card of Logistics > Overview: one endpoint, or one business indicator.

    A business card is its indicator's definition: the model and the domain of the
    records it counts, optionally the part of them that is a problem already
    (``danger_domain``) and the date that puts a record in the Overview's window. The
    figure and the list its button opens are one search on that domain, as the user
    who looks, so they cannot disagree.

    The definition lives in this core addon so that each addon contributes the cards
    of its own concepts with an XML record, whether or not the Overview screen
    (``logistics_monitoring``, which computes and shows the figures) is installed.
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
    indicator = fields.Char(
        help="Key of a business card's figure, e.g. in the Prometheus metrics.",
    )
    res_model_id = fields.Many2one(
        comodel_name="ir.model",
        string="Counted Model",
        ondelete="cascade",
        help="The records a business card counts and opens.",
    )
    res_model = fields.Char(related="res_model_id.model", string="Counted Model Name")
    domain = fields.Char(
        default="[]",
        help="The records a business card counts, evaluated with now, timedelta and "
        "company_ids; limited to the user's allowed companies when the model has a company.",
    )
    danger_domain = fields.Char(
        help="Of the records counted, those that are a problem already (added to the "
        "domain); the card shows their count and a problem when there are any.",
    )
    date_field = fields.Char(
        help="When set, only records whose this date falls in the Overview's time window "
        "are counted.",
    )
    action_label = fields.Char(
        translate=True, help="The button that opens the work behind the count."
    )
    list_view_id = fields.Many2one(
        comodel_name="ir.ui.view",
        help="The list the count opens; the model's default list when empty.",
    )
    group_ids = fields.Many2many(
        comodel_name="res.groups",
        string="Shown To",
        help="The card is shown to members of these groups only; to every Logistics role "
        "when empty.",
    )
    warning_threshold = fields.Float(
        default=1.0,
        help="From this value on the card shows a warning: the count of a business card, "
        "the failure rate (%) of an endpoint card.",
    )
    danger_threshold = fields.Float(
        default=5.0,
        help="From this value on the card shows a problem: the count of a business card, "
        "the failure rate (%) of an endpoint card.",
    )

    _sql_constraints = [
        (
            "thresholds_ordered",
            "CHECK(danger_threshold >= warning_threshold)",
            "A card shows a problem from a value at least as high as its warning.",
        ),
        (
            "kind_consistent",
            "CHECK((kind = 'endpoint' AND endpoint_id IS NOT NULL AND indicator IS NULL) "
            "OR (kind = 'business' AND endpoint_id IS NULL AND indicator IS NOT NULL))",
            "An endpoint card names an endpoint; a business card names an indicator.",
        ),
    ]

    @api.constrains("warning_threshold", "danger_threshold")
    def _check_thresholds(self):
        # The card colours only positive values: a negative threshold would mean 0, and
        # NaN (which the SQL ordering check lets through) would never colour the card.
        check_bounds(self, {"warning_threshold": (0, math.inf), "danger_threshold": (0, math.inf)})

    @api.constrains("kind", "res_model_id", "domain", "danger_domain", "date_field")
    def _check_definition(self):
        """A business card names its model, domains that evaluate and a date field the
        model has: a broken definition fails where it is written, not on the Overview."""
        now = fields.Datetime.now()
        for card in self.filtered(lambda c: c.kind == "business"):
            if not card.res_model_id:
                raise ValidationError(
                    _("The business card %(card)s names no model to count.", card=card.name)
                )
            model = self.env[card.res_model]
            if card.date_field and card.date_field not in model._fields:
                raise ValidationError(
                    _(
                        "The card %(card)s puts records in the window by %(field)s, "
                        "which %(model)s does not have.",
                        card=card.name,
                        field=card.date_field,
                        model=card.res_model,
                    )
                )
            try:
                model._where_calc(card._records_domain(now, now, danger=True))
            except Exception as exc:
                raise ValidationError(
                    _(
                        "The domain of the card %(card)s is invalid: %(error)s",
                        card=card.name,
                        error=exc,
                    )
                ) from exc

    def _eval_domain(self, text, now):
        return safe_eval(
            text or "[]",
            {"now": now, "timedelta": timedelta, "company_ids": self.env.companies.ids},
        )

    def _records_domain(self, now, since, danger=False):
        """The domain of the records this business card counts: those of the window
        starting at ``since`` when the card has a date field, and only those that are
        a problem already with ``danger``."""
        self.ensure_one()
        domain = self._eval_domain(self.domain, now)
        if danger:
            domain = [*domain, *self._eval_domain(self.danger_domain, now)]
        if self.date_field:
            domain = [*domain, (self.date_field, ">=", since)]
        if "company_id" in self.env[self.res_model]._fields:
            domain = [("company_id", "in", self.env.companies.ids), *domain]
        return domain
