import json

from odoo import http
from odoo.http import request

from ..metrics import CONTENT_TYPE

REFUSALS = {
    401: ("unauthorized", "a bearer token is required (Authorization: Bearer <token>)"),
    403: ("forbidden", "the token is not valid for this database"),
    404: ("not_found", "no database selected (use dbfilter or ?db=)"),
}


class LogisticsMetricsController(http.Controller):
    @http.route("/logistics/metrics", type="http", auth="none", methods=["GET"], save_session=False)
    def metrics(self):
        """Prometheus exposition; needs ``Authorization: Bearer <metrics token>``."""
        if not request.db:
            return _json_error(404)
        env = request.env(su=True)
        verdict = env["logistics.metrics"]._token_verdict(
            request.httprequest.headers.get("Authorization")
        )
        if verdict != 200:
            response = _json_error(verdict)
            if verdict == 401:
                response.headers["WWW-Authenticate"] = 'Bearer realm="logistics-metrics"'
            return response
        body = env["logistics.metrics"]._render_exposition()
        return request.make_response(body, headers=[("Content-Type", CONTENT_TYPE)])


def _json_error(status):
    error, message = REFUSALS[status]
    body = json.dumps({"error": error, "message": message})
    return request.make_response(
        body, headers=[("Content-Type", "application/json")], status=status
    )
