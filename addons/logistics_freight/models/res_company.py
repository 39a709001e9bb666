from odoo import fields, models


class ResCompany(models.Model):
    """The company's freight-audit tolerances, used for carriers without their own."""

    _inherit = "res.company"

    logistics_tolerance_amount_over = fields.Float(
        default=25.0, help="Actual freight may exceed the expected amount by this much."
    )
    logistics_tolerance_amount_under = fields.Float(
        default=25.0, help="Actual freight may fall below the expected amount by this much."
    )
    logistics_tolerance_percent_over = fields.Float(
        default=5.0, help="Actual freight may exceed the expected amount by this percentage."
    )
    logistics_tolerance_percent_under = fields.Float(
        default=5.0,
        help="Actual freight may fall below the expected amount by this percentage.",
    )
