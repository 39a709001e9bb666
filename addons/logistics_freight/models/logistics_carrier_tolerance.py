from odoo import api, fields, models

TOLERANCE_FIELDS = ("amount_over", "amount_under", "percent_over", "percent_under")


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

    @api.model
    def _get_limits(self, carrier, company):
        """``{amount_over, amount_under, percent_over, percent_under}`` for a carrier."""
        tolerance = self.sudo().search(
            [("carrier_id", "=", carrier.id), ("company_id", "=", company.id)], limit=1
        )
        if carrier and tolerance:
            return {name: tolerance[name] for name in TOLERANCE_FIELDS}
        return {name: company[f"logistics_tolerance_{name}"] for name in TOLERANCE_FIELDS}
