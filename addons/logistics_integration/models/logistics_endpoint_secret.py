from odoo import fields, models


class LogisticsEndpointSecret(models.Model):
    """A signing secret of an endpoint; several may be active during rotation."""

    _name = "logistics.endpoint.secret"
    _description = "Endpoint Signing Secret"
    _order = "endpoint_id, valid_until desc, id desc"

    endpoint_id = fields.Many2one(
        comodel_name="logistics.endpoint", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="endpoint_id.company_id", store=True)
    name = fields.Char(required=True, help="Label, e.g. the month it was issued.")
    secret = fields.Char(required=True, copy=False)
    active = fields.Boolean(default=True)
    valid_until = fields.Datetime(help="After this moment the secret no longer verifies callbacks.")
