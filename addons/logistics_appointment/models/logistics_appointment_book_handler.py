from odoo import _, api, models


class LogisticsAppointmentBookHandler(models.AbstractModel):
    """Bookings of a delivery window sent to the TMS (exchange type tms_appointment_book).

    The TMS's acceptance changes nothing yet: the appointment stays *requested* until
    the TMS confirms it with a callback milestone. A refused booking is an activity for
    the type's owner and a note on the shipment."""

    _name = "logistics.appointment.book.handler"
    _inherit = "logistics.exchange.handler"
    _description = "Appointment Booking Exchange Handler"

    @api.model
    def _on_failure(self, message, error):
        shipment = message._get_related_record()
        if shipment and shipment._name == "logistics.shipment":
            shipment.sudo().message_post(
                body=_(
                    "The TMS did not take the delivery window booked on %(date)s: %(error)s",
                    date=message.create_date,
                    error=error,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return super()._on_failure(message, error)
