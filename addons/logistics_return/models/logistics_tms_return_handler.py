from odoo import models


class LogisticsTmsReturnHandler(models.AbstractModel):
    """Outcomes of a return transport order (exchange type tms_return_create).

    Like a new order: the TMS answer gives the return shipment its planning
    reference and *planned* milestone, a 409 the profile reads as "order
    exists" (a replayed create) counts as taken, and a failure makes the
    return shipment *export failed* with an activity for the endpoint's owner.
    """

    _name = "logistics.tms.return.handler"
    _inherit = "logistics.tms.order.create.handler"
    _description = "TMS Return Order Exchange Handler"
