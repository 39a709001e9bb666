from odoo import fields, models


class LogisticsInterface(models.Model):
    """An entry of the interface catalogue: what flows to or from an endpoint."""

    _name = "logistics.interface"
    _description = "Interface Catalogue Entry"
    _order = "endpoint_id, direction, name"

    name = fields.Char(required=True)
    endpoint_id = fields.Many2one(
        comodel_name="logistics.endpoint", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="endpoint_id.company_id", store=True)
    direction = fields.Selection(
        selection=[("inbound", "Inbound"), ("outbound", "Outbound")], required=True
    )
    event_type_ids = fields.Many2many(
        comodel_name="logistics.event.type", string="Canonical Events"
    )
    schema_name = fields.Char(help="Contract name, e.g. tms-order.")
    schema_version = fields.Char(default="1")
    description = fields.Text()
    active = fields.Boolean(default=True)
