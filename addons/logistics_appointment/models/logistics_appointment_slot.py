from odoo import fields, models


class LogisticsAppointmentSlot(models.Model):
    """A delivery window the TMS offered a shipment's consignee, the last time it was asked.

    Only an offered window can be booked: the portal never takes a customer's word for
    a window the TMS did not offer.
    """

    _name = "logistics.appointment.slot"
    _description = "Offered Delivery Window"
    _order = "shipment_id, window_start, id"

    shipment_id = fields.Many2one(
        comodel_name="logistics.shipment", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="shipment_id.company_id", store=True, index=True)
    slot_reference = fields.Char(
        string="Slot ID", required=True, help="The TMS's identifier of the window."
    )
    window_start = fields.Datetime(required=True)
    window_end = fields.Datetime(required=True)
    offered_on = fields.Datetime(required=True, default=fields.Datetime.now)
