import logging

from odoo import _, http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.logistics_portal.controllers.portal import LogisticsCustomerPortal
from odoo.addons.logistics_tms_export.models.logistics_endpoint import SynchronousCallFailed

from ..models.logistics_shipment import AppointmentRefused

_logger = logging.getLogger(__name__)


class LogisticsAppointmentPortal(LogisticsCustomerPortal):
    """The delivery appointment on *My Shipments*: the window booked and the route
    position on the shipment's page, and a page listing the windows the TMS offers,
    where the customer of the shipment (logged in; an access token is not enough)
    picks or changes one."""

    def _shipment_page_values(self, shipment_sudo):
        values = super()._shipment_page_values(shipment_sudo)
        values.update(
            appointment_open=shipment_sudo._appointment_open(),
            route_position=shipment_sudo._customer_route_position(),
        )
        return values

    def _customer_shipment(self, shipment_id):
        """The shipment, if the logged-in user may read it (their customer's); else None."""
        shipment = request.env["logistics.shipment"].browse(shipment_id)
        try:
            shipment.check_access("read")
            return shipment.exists() and shipment.sudo()
        except (AccessError, MissingError):
            return None

    @http.route(
        "/my/shipments/<int:shipment_id>/appointment",
        type="http",
        auth="user",
        methods=["GET", "POST"],
        website=True,
        # checked below, so that a customer whose page went stale reads why
        csrf=False,
    )
    def portal_shipment_appointment(
        self, shipment_id, slot_id=None, reason=None, csrf_token=None, **kw
    ):
        """GET: the windows the TMS offers now; POST: book ``slot_id`` among them."""
        shipment = self._customer_shipment(shipment_id)
        if not shipment:
            return request.not_found()
        if request.httprequest.method == "POST":
            if not request.validate_csrf(csrf_token):
                _logger.info("Delivery window refused for %s: invalid CSRF token", shipment.name)
                return self._render_appointment_page(
                    shipment,
                    shipment.appointment_slot_ids,
                    _("This page has expired: reload it and choose your window again."),
                    status=400,
                )
            return self._book_window(shipment, slot_id, reason)
        error = False
        slots = shipment.appointment_slot_ids.browse()
        if shipment._appointment_open():
            try:
                slots = shipment._fetch_appointment_slots()
            except SynchronousCallFailed as err:
                _logger.warning("Delivery windows of %s unavailable: %s", shipment.name, err)
                error = _("We cannot show delivery windows right now. Please try again later.")
        else:
            error = _("This shipment can no longer get a delivery appointment.")
        return self._render_appointment_page(shipment, slots, error)

    def _book_window(self, shipment, slot_id, reason):
        try:
            shipment.with_user(request.env.user).sudo()._request_appointment(
                (slot_id or "").strip(), reason=(reason or "").strip()[:255] or None
            )
        except AppointmentRefused as err:
            _logger.info("Delivery window refused for %s: %s", shipment.name, err)
            return self._render_appointment_page(
                shipment, shipment.appointment_slot_ids, str(err), status=422
            )
        return request.redirect(f"/my/shipments/{shipment.id}?appointment=requested")

    def _render_appointment_page(self, shipment, slots, error, status=200):
        values = self._prepare_portal_layout_values()
        values.update(shipment=shipment, slots=slots, error=error, page_name="shipment")
        return request.render(
            "logistics_appointment.portal_shipment_appointment", values, status=status
        )
