"""Only a TMS quotes rates: a ``tms_rate`` exchange type registered on another kind
of endpoint (by a rate asked of it before) is archived, and delivery methods still
asking such an endpoint are named in the log (their rates come from the fallback
price rules until a TMS is chosen)."""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    stray = env["logistics.exchange.type"].search(
        [("code", "=", "tms_rate"), ("endpoint_id", "!=", False), ("endpoint_kind", "!=", "tms")]
    )
    if stray:
        _logger.warning(
            "Archiving tms_rate exchange types of endpoints that are not a TMS: %s",
            ", ".join(stray.mapped("endpoint_id.code")),
        )
        stray.active = False
    carriers = env["delivery.carrier"].search(
        [("logistics_rate_endpoint_id.kind", "not in", ("tms", False))]
    )
    for carrier in carriers:
        _logger.warning(
            "Delivery method %s asks %s for rates, which is not a TMS: choose a TMS in "
            "its Rates From.",
            carrier.name,
            carrier.logistics_rate_endpoint_id.code,
        )
