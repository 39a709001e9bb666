from odoo import api, fields, models

from odoo.addons.logistics_integration.validation import check_bounds

# A year: a proof of delivery awaited longer is not awaited.
MAX_POD_DELAY_HOURS = 24 * 366


class ResCompany(models.Model):
    _inherit = "res.company"

    logistics_pod_delay_hours = fields.Integer(
        string="POD Delay (h)",
        default=24,
        help="A delivered shipment without proof of delivery after this many hours "
        "becomes a business exception (0 disables the check).",
    )

    @api.constrains("logistics_pod_delay_hours")
    def _check_logistics_pod_delay_hours(self):
        check_bounds(self, {"logistics_pod_delay_hours": (0, MAX_POD_DELAY_HOURS)})
