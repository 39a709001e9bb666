import math
import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.logistics_integration.validation import check_bounds

UN_NUMBER = re.compile(r"^UN[0-9]{4}$")
# Sent to the TMS, whose contract (tms-master-data v1) holds each at 0 or more.
TRANSPORT_MEASURES = (
    "weight",
    "volume",
    "logistics_length_cm",
    "logistics_width_cm",
    "logistics_height_cm",
)


class ProductTemplate(models.Model):
    """Dimensions and dangerous goods data the TMS plans with (Odoo has weight and
    volume but neither)."""

    _inherit = "product.template"

    logistics_length_cm = fields.Float(string="Length (cm)", digits=(16, 1))
    logistics_width_cm = fields.Float(string="Width (cm)", digits=(16, 1))
    logistics_height_cm = fields.Float(string="Height (cm)", digits=(16, 1))
    logistics_dangerous_goods = fields.Boolean(
        string="Dangerous Goods", help="Transported under dangerous goods rules (ADR, IATA)."
    )
    logistics_un_number = fields.Char(
        string="UN Number", help="UN number of the dangerous good, e.g. UN1263."
    )

    @api.constrains("logistics_dangerous_goods", "logistics_un_number")
    def _check_logistics_un_number(self):
        for template in self:
            number = (template.logistics_un_number or "").strip()
            if number and not UN_NUMBER.match(number):
                raise ValidationError(
                    _(
                        "UN Number %(number)r must read UN and four digits, e.g. UN1263.",
                        number=number,
                    )
                )
            if template.logistics_dangerous_goods and not number:
                raise ValidationError(
                    _("A dangerous good needs its UN Number (%(product)s).", product=template.name)
                )

    @api.constrains(*TRANSPORT_MEASURES)
    def _check_logistics_measures(self):
        check_bounds(self, dict.fromkeys(TRANSPORT_MEASURES, (0, math.inf)))
