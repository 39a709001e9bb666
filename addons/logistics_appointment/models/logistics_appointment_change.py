from odoo import fields, models

APPOINTMENT_STATES = [
    ("requested", "Requested"),
    ("confirmed", "Confirmed"),
    ("missed", "Missed"),
]
ORIGINS = [("customer", "Customer (portal)"), ("tms", "TMS"), ("staff", "Staff")]


class LogisticsAppointmentChange(models.Model):
    """One change of a shipment's delivery appointment: who or which system asked for
    it, the window before and after, and why. A change older than the appointment it
    would replace is kept here, not applied."""

    _name = "logistics.appointment.change"
    _description = "Delivery Appointment Change"
    _order = "event_time desc, id desc"

    shipment_id = fields.Many2one(
        comodel_name="logistics.shipment", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="shipment_id.company_id", store=True, index=True)
    event_time = fields.Datetime(
        required=True, help="When the change happened, according to its source."
    )
    origin = fields.Selection(selection=ORIGINS, required=True)
    user_id = fields.Many2one(comodel_name="res.users", string="Changed By")
    endpoint_id = fields.Many2one(
        comodel_name="logistics.endpoint", string="System", ondelete="set null"
    )
    milestone_id = fields.Many2one(comodel_name="logistics.milestone", ondelete="set null")
    state = fields.Selection(selection=APPOINTMENT_STATES, string="New State", required=True)
    old_start = fields.Datetime(string="Window Was From")
    old_end = fields.Datetime(string="Window Was Until")
    new_start = fields.Datetime(string="Window From")
    new_end = fields.Datetime(string="Window Until")
    reason = fields.Char()
    booking_version = fields.Integer(
        string="Booking",
        help="The booking the change belongs to (1 for the first window chosen, one more per "
        "change); 0 when its source did not say.",
    )
    applied = fields.Boolean(
        default=True,
        help="Unticked: the change was older than the appointment in force and left it as it was.",
    )
    not_applied_reason = fields.Char(string="Not Applied Because")
