from odoo import api, fields, models

from odoo.addons.logistics_integration.validation import check_bounds

from .logistics_carrier_tolerance import TOLERANCE_BOUNDS


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

    @api.constrains(*(f"logistics_tolerance_{name}" for name in TOLERANCE_BOUNDS))
    def _check_logistics_tolerances(self):
        check_bounds(
            self,
            {f"logistics_tolerance_{name}": bounds for name, bounds in TOLERANCE_BOUNDS.items()},
        )
