from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

SHIPMENTS_HISTORY = "my_shipments_history"


class LogisticsCustomerPortal(CustomerPortal):
    """My Shipments: list, customer-visible timeline and the discussion with the customer.

    The list is read with the user's own rights, so the record rules decide what is
    shown: their commercial partner's shipments and customer-visible milestones only.
    A shipment's page opens for a user who may read it, or with its access token
    (the link of the customer e-mails); it shows customer-safe values only.
    """

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "shipment_count" in counters:
            shipments = request.env["logistics.shipment"]
            values["shipment_count"] = (
                shipments.search_count([]) if shipments.has_access("read") else 0
            )
        return values

    @http.route(
        ["/my/shipments", "/my/shipments/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_shipments(self, page=1, **kw):
        shipments = request.env["logistics.shipment"]
        values = self._prepare_portal_layout_values()
        count = shipments.search_count([]) if shipments.has_access("read") else 0
        pager = portal_pager(url="/my/shipments", total=count, page=page, step=self._items_per_page)
        page_shipments = (
            shipments.search([], limit=self._items_per_page, offset=pager["offset"])
            if count
            else shipments
        )
        request.session[SHIPMENTS_HISTORY] = page_shipments.ids[:100]
        latest_labels = {
            shipment_id: milestone.customer_label
            for shipment_id, milestone in page_shipments._get_latest_customer_milestones().items()
        }
        values.update(
            shipments=page_shipments,
            latest_labels=latest_labels,
            pager=pager,
            page_name="shipment",
            default_url="/my/shipments",
        )
        return request.render("logistics_portal.portal_my_shipments", values)

    @http.route("/my/shipments/<int:shipment_id>", type="http", auth="public", website=True)
    def portal_my_shipment(self, shipment_id, access_token=None, **kw):
        try:
            shipment_sudo = self._document_check_access(
                "logistics.shipment", shipment_id, access_token=access_token
            )
        except (AccessError, MissingError):
            if request.env.user._is_public() and not access_token:
                return request.redirect(f"/web/login?redirect=/my/shipments/{shipment_id}")
            return request.not_found()
        values = self._prepare_portal_layout_values()
        values.update(self._shipment_page_values(shipment_sudo))
        values = self._get_page_view_values(
            shipment_sudo, access_token, values, SHIPMENTS_HISTORY, False, **kw
        )
        return request.render("logistics_portal.portal_my_shipment", values)

    def _shipment_page_values(self, shipment_sudo):
        """What the shipment's page shows: customer-visible milestones and labels only."""
        current = shipment_sudo._get_latest_customer_milestones().get(shipment_sudo.id)
        return {
            "shipment": shipment_sudo,
            "timeline": shipment_sudo._get_customer_timeline(),
            "current_label": current.customer_label if current else False,
            "page_name": "shipment",
        }
