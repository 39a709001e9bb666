from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal


class LogisticsCasePortal(CustomerPortal):
    """A service case's portal page: its customer-safe fields and the discussion with
    the customer. It opens for a user who may read the case (their commercial
    partner's, by the record rules) or with its access token (the e-mails' link)."""

    @http.route("/my/cases/<int:case_id>", type="http", auth="public", website=True)
    def portal_my_case(self, case_id, access_token=None, **kw):
        try:
            case_sudo = self._document_check_access(
                "logistics.case", case_id, access_token=access_token
            )
        except (AccessError, MissingError):
            if request.env.user._is_public() and not access_token:
                return request.redirect(f"/web/login?redirect=/my/cases/{case_id}")
            return request.not_found()
        values = self._prepare_portal_layout_values()
        values.update(case=case_sudo, shipment=case_sudo.shipment_id, page_name="service_case")
        values = self._get_page_view_values(
            case_sudo, access_token, values, "my_cases_history", False, **kw
        )
        return request.render("logistics_case.portal_my_case", values)
