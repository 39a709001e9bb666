from odoo import fields, models


class LogisticsRouteUpdate(models.Model):
    """Where a shipment stood on its delivery route and when it was expected, as one TMS
    (or carrier) event reported it: every ETA and stop change is kept, none overwritten."""

    _name = "logistics.route.update"
    _description = "Route and ETA Update"
    _order = "event_time desc, id desc"

    shipment_id = fields.Many2one(
        comodel_name="logistics.shipment", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="shipment_id.company_id", store=True, index=True)
    event_time = fields.Datetime(required=True, help="When the source reported it (its own time).")
    eta = fields.Datetime(string="ETA")
    stop_sequence = fields.Integer(string="Stop", help="The shipment's stop on the route.")
    stops_total = fields.Integer(string="Stops on Route")
    stops_before = fields.Integer(help="Stops still to serve before it.")
    endpoint_id = fields.Many2one(
        comodel_name="logistics.endpoint", string="Source", ondelete="set null"
    )
    milestone_id = fields.Many2one(comodel_name="logistics.milestone", ondelete="set null")
