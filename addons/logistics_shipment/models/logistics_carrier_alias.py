from odoo import fields, models


class LogisticsCarrierAlias(models.Model):
    """What one source calls a carrier, when that is neither its code nor its name."""

    _name = "logistics.carrier.alias"
    _description = "Carrier Alias of a Source"
    _order = "endpoint_id, alias, id"

    endpoint_id = fields.Many2one(
        comodel_name="logistics.endpoint",
        string="Source",
        required=True,
        ondelete="cascade",
        index=True,
        help="The external system that names the carrier this way.",
    )
    alias = fields.Char(
        required=True,
        help="The carrier's name or code exactly as the source sends it.",
    )
    carrier_id = fields.Many2one(
        comodel_name="delivery.carrier", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="endpoint_id.company_id", store=True)

    _sql_constraints = [
        (
            "endpoint_alias_unique",
            "unique(endpoint_id, alias)",
            "A source uses an alias for one carrier only.",
        )
    ]
