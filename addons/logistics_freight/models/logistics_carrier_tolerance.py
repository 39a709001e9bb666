import math

from odoo import api, fields, models

from odoo.addons.logistics_integration.validation import check_bounds

# An amount tolerance has no ceiling; a percentage beyond 100 would wave through any bill.
TOLERANCE_BOUNDS = {
    "amount_over": (0, math.inf),
    "amount_under": (0, math.inf),
    "percent_over": (0, 100),
    "percent_under": (0, 100),
}
TOLERANCE_FIELDS = tuple(TOLERANCE_BOUNDS)


class LogisticsCarrierTolerance(models.Model):
    """Freight-audit tolerances of one carrier; the company defaults apply otherwise."""

    _name = "logistics.carrier.tolerance"
    _description = "Carrier Freight Tolerance"
    _order = "carrier_id, company_id, id"

    carrier_id = fields.Many2one(
        comodel_name="delivery.carrier", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    amount_over = fields.Float(help="Actual may exceed the expected amount by this much.")
    amount_under = fields.Float(help="Actual may fall below the expected amount by this much.")
    percent_over = fields.Float(help="Actual may exceed the expected amount by this percentage.")
    percent_under = fields.Float(
        help="Actual may fall below the expected amount by this percentage."
    )

    _sql_constraints = [
        (
            "carrier_company_unique",
            "unique(carrier_id, company_id)",
            "A carrier has one tolerance per company.",
        ),
        (
            "non_negative",
            "CHECK(amount_over >= 0 AND amount_under >= 0 AND percent_over >= 0 "
            "AND percent_under >= 0)",
            "Tolerances cannot be negative.",
        ),
    ]

    @api.constrains(*TOLERANCE_FIELDS)
    def _check_tolerances(self):
        check_bounds(self, TOLERANCE_BOUNDS)

    @api.model
    def _get_limits(self, carrier, company):
        """``{amount_over, amount_under, percent_over, percent_under}`` for a carrier."""
        tolerance = self.sudo().search(
            [("carrier_id", "=", carrier.id), ("company_id", "=", company.id)], limit=1
        )
        if carrier and tolerance:
            return {name: tolerance[name] for name in TOLERANCE_FIELDS}
        return {name: company[f"logistics_tolerance_{name}"] for name in TOLERANCE_FIELDS}
