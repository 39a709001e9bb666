from odoo import fields, models


class LogisticsFreightCharge(models.Model):
    _inherit = "logistics.freight.charge"

    rate_quote_id = fields.Many2one(
        comodel_name="logistics.rate.quote",
        string="Quote",
        readonly=True,
        ondelete="set null",
        help="The quote chosen on the sale order whose price is this charge's expected amount.",
    )
