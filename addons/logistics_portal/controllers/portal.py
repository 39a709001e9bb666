from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager


class LogisticsCustomerPortal(CustomerPortal):
    """My Shipments: list and customer-visible timeline, as the portal user.

    Everything is read with the user's own rights, so the record rules decide
    what is shown: their commercial partner's shipments and customer-visible
    milestones only.
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

    @http.route("/my/shipments/<int:shipment_id>", type="http", auth="user", website=True)
    def portal_my_shipment(self, shipment_id, **kw):
        shipment = request.env["logistics.shipment"].browse(shipment_id)
        try:
            shipment.check_access("read")
            shipment.exists().ensure_one()
        except (AccessError, MissingError, ValueError):
            return request.not_found()
        timeline = request.env["logistics.milestone"].search(
            [("shipment_id", "=", shipment.id), ("customer_visible", "=", True)],
            order="event_time desc, id desc",
        )
        values = self._prepare_portal_layout_values()
        current = shipment._get_latest_customer_milestones().get(shipment.id)
        values.update(
            shipment=shipment,
            timeline=timeline,
            current_label=current.customer_label if current else False,
            page_name="shipment",
        )
        return request.render("logistics_portal.portal_my_shipment", values)
