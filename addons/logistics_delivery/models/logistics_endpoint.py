import logging

from pydantic import ValidationError

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.exceptions import ValidationError as OdooValidationError

from odoo.addons.logistics_integration import outbound
from odoo.addons.logistics_tms_export.adapters import describe_errors

from .. import contract

_logger = logging.getLogger(__name__)

RATE_EXCHANGE_TYPE = "tms_rate"
RATE_PATH = "/v1/rates"
RATE_SCHEMA_LABEL = f"{contract.SCHEMA_NAME}/{contract.SCHEMA_VERSION}"


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
        if any(endpoint.rate_timeout <= 0 for endpoint in self):
            raise OdooValidationError(_("The rate timeout must be a positive number of seconds."))

    def _quote_rates(self, payload, record):
        """Ask this endpoint to quote ``payload`` (a ``tms-rate`` v1 request, as a dict)
        about ``record`` (the sale order), synchronously, within the rate timeout.

        Returns the validated ``TmsRateResponseV1``. Raises RateUnavailable with the
        reason when the request cannot be sent (archived exchange type, environment
        guard) or the answer is late, an error, or not a valid quote. Every attempt
        is logged in the integration log, masked, under the payload's correlation id.
        """
        self.ensure_one()
        endpoint = self.sudo()
        log_vals = {
            "record": record,
            "summary": RATE_EXCHANGE_TYPE,
            "schema_version": RATE_SCHEMA_LABEL,
            "correlation_id": payload.get("correlation_id"),
        }
        try:
            endpoint._get_exchange_type(RATE_EXCHANGE_TYPE)._assert_outbound_for(endpoint)
            endpoint._assert_call_allowed()
        except UserError as err:
            endpoint._log_rate_exchange("rejected", payload, error=str(err), **log_vals)
            raise RateUnavailable(str(err)) from err
        headers, auth = endpoint._get_request_auth()
        headers = dict(
            headers,
            **{
                "Content-Type": "application/json",
                "Accept": "application/json",
                "X-Correlation-ID": payload.get("correlation_id") or "",
                "traceparent": outbound.traceparent(payload.get("correlation_id")),
                "User-Agent": "odoo-logistics-integration/18.0",
            },
        )
        timeout = (min(endpoint.connect_timeout, endpoint.rate_timeout), endpoint.rate_timeout)
        result = outbound.send(
            "POST",
            endpoint.base_url.rstrip("/") + RATE_PATH,
            outbound.dumps(payload).encode("utf-8"),
            headers,
            auth,
            timeout,
        )
        response = result.body if result.body is not None else (result.text or None)
        exchange = dict(
            log_vals, http_status=result.status or False, duration_ms=result.duration_ms
        )
        if result.kind != outbound.SUCCESS:
            endpoint._log_rate_exchange(
                "failed", payload, response=response, error=result.error, **exchange
            )
            raise RateUnavailable(result.error)
        try:
            answer = contract.TmsRateResponseV1.model_validate(result.body or {})
        except ValidationError as err:
            error = _(
                "invalid answer: %(problems)s",
                problems="; ".join(describe_errors(err, result.body or {})),
            )
            endpoint._log_rate_exchange(
                "rejected", payload, response=response, error=error, **exchange
            )
            raise RateUnavailable(error) from err
        endpoint._log_rate_exchange("processed", payload, response=response, **exchange)
        return answer

    def _log_rate_exchange(self, state, payload, response=None, record=None, **values):
        """Log one rate exchange; a failure is also told to the server log."""
        self.ensure_one()
        if state != "processed":
            _logger.warning(
                "Rate quote of %s by %s %s: %s",
                record.display_name if record else "-",
                self.code,
                state,
                values.get("error"),
            )
        log_model = self.env["logistics.integration.log"].sudo()
        log_model._record_exchange(
            log_model._prepare_exchange_vals(
                "outbound", state, endpoint=self, record=record, **values
            ),
            payload=payload,
            response=response,
        )
