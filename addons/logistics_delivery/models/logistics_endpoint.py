from odoo import api, fields, models

from odoo.addons.logistics_integration.validation import (
    MAX_SYNCHRONOUS_TIMEOUT_SECONDS,
    check_bounds,
)
from odoo.addons.logistics_tms_export.models.logistics_endpoint import SynchronousCallFailed

from .. import contract

RATE_EXCHANGE_TYPE = "tms_rate"
RATE_PATH = "/v1/rates"


class RateUnavailable(Exception):
    """The system asked for rates gave none that can be used; ``reason`` says why."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class LogisticsEndpoint(models.Model):
    _inherit = "logistics.endpoint"

    rate_timeout = fields.Float(
        default=5.0,
        help="Seconds a rate quote waits for this system (to connect, then to answer) "
        "while the salesperson waits; past it, the delivery method's fallback price "
        "rules give the rate.",
    )

    @api.constrains("rate_timeout")
    def _check_rate_timeout(self):
        check_bounds(
            self, {"rate_timeout": (0, MAX_SYNCHRONOUS_TIMEOUT_SECONDS)}, lowest_excluded=True
        )

    def _quote_rates(self, payload, record, check_answer=None):
        """Ask this endpoint to quote ``payload`` (a ``tms-rate`` v1 request, as a dict)
        about ``record`` (the sale order), synchronously, within the rate timeout;
        ``check_answer`` finds what else makes the answer unusable (see
        ``_call_synchronous``).

        Returns the validated ``TmsRateResponseV1``; raises RateUnavailable with the
        reason when no usable quote comes back (see ``_call_synchronous``).
        """
        self.ensure_one()
        try:
            return self._call_synchronous(
                RATE_EXCHANGE_TYPE,
                RATE_PATH,
                payload,
                record,
                self.sudo().rate_timeout,
                contract.TmsRateResponseV1,
                check_answer,
            )
        except SynchronousCallFailed as err:
            raise RateUnavailable(err.reason) from err
