import logging

from pydantic import ValidationError

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError

from odoo.addons.logistics_integration import outbound

from ..adapters import describe_errors

_logger = logging.getLogger(__name__)

ADAPTER_MODEL_PREFIX = "logistics.tms.adapter."


class SynchronousCallFailed(Exception):
    """A synchronous exchange gave no usable answer; ``reason`` says why."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class LogisticsEndpoint(models.Model):
    _inherit = "logistics.endpoint"

    tms_adapter = fields.Selection(
        selection=[("generic_v1", "Generic JSON (tms-order v1)")],
        string="TMS Adapter",
        default="generic_v1",
        help="How shipments are turned into this TMS's payloads and its answers read "
        "back. Other adapters are added by small modules.",
    )
    accepts_updates = fields.Boolean(
        default=True,
        help="Whether the TMS accepts a new version of an order it already has.",
    )

    @api.model
    def _tms_exists(self, company):
        """Whether ``company`` has an active TMS endpoint."""
        return bool(
            self.search_count([("kind", "=", "tms"), ("company_id", "=", company.id)], limit=1)
        )

    def _get_tms_adapter(self):
        """The adapter model that builds this TMS's payloads and reads its answers.

        The selection value ``acme_v2`` stands for the abstract model
        ``logistics.tms.adapter.acme.v2``.
        """
        self.ensure_one()
        model_name = self._get_tms_adapter_model_name()
        if model_name not in self.env:
            raise UserError(
                _(
                    "TMS adapter %(adapter)s of %(endpoint)s needs the model %(model)s, "
                    "which no installed addon provides.",
                    adapter=self.tms_adapter,
                    endpoint=self.name,
                    model=model_name,
                )
            )
        return self.env[model_name]

    def _get_tms_adapter_model_name(self):
        self.ensure_one()
        return ADAPTER_MODEL_PREFIX + (self.tms_adapter or "generic_v1").replace("_", ".")

    @api.model
    def _cache_invalidation_fields(self):
        return super()._cache_invalidation_fields() | {"tms_adapter"}  # _tms_trigger_fields_in_use

    @api.model
    def _tms_changes_document(self, model_name, field_names):
        """Whether writing ``field_names`` of ``model_name`` changes an order document
        of one of the adapters in use (those of the active TMS endpoints)."""
        return bool(field_names) and not self._tms_trigger_fields_in_use(model_name).isdisjoint(
            field_names
        )

    @api.model
    @tools.ormcache("model_name")
    def _tms_trigger_fields_in_use(self, model_name):
        """Fields of ``model_name`` some adapter in use builds its order document from.

        Cached: partners, orders, deliveries and stock moves ask on every write.
        """
        endpoints = self.sudo().search([("kind", "=", "tms")])
        adapter_names = {endpoint._get_tms_adapter_model_name() for endpoint in endpoints}
        fields_in_use = set()
        for name in adapter_names & set(self.env.registry):
            fields_in_use |= self.env[name]._tms_trigger_fields().get(model_name, set())
        return frozenset(fields_in_use)

    # ------------------------------------------------------------------
    # Synchronous exchanges (a person waits for the answer)
    # ------------------------------------------------------------------

    def _call_synchronous(
        self, exchange_type_code, path, payload, record, timeout, answer_model, check_answer=None
    ):
        """POST ``payload`` (a contract's request, as a dict) about ``record`` to this
        endpoint as its exchange type ``exchange_type_code``, and wait at most
        ``timeout`` seconds for the answer.

        Returns the answer validated by the pydantic ``answer_model`` and, when given,
        by ``check_answer`` (the answer's problems the model cannot see, e.g. a
        currency unknown to the database, as "field: problem" lines). Raises
        SynchronousCallFailed with the reason when the request cannot be sent
        (not a TMS, archived exchange type, environment guard) or the answer is late, an error,
        or not valid. Every attempt is logged in the integration log, masked, under
        the payload's correlation id.
        """
        self.ensure_one()
        endpoint = self.sudo()
        log_vals = {
            "record": record,
            "summary": exchange_type_code,
            "correlation_id": payload.get("correlation_id"),
        }
        try:
            if endpoint.kind != "tms":
                # checked first: asking for the exchange type would register it here
                raise UserError(
                    _(
                        "%(endpoint)s is not a TMS: only a TMS answers %(code)s.",
                        endpoint=endpoint.name,
                        code=exchange_type_code,
                    )
                )
            exchange_type = endpoint._get_exchange_type(exchange_type_code)
            exchange_type._assert_outbound_for(endpoint)
            endpoint._assert_call_allowed()
        except UserError as err:
            endpoint._log_synchronous_call("rejected", payload, error=str(err), **log_vals)
            raise SynchronousCallFailed(str(err)) from err
        log_vals["schema_version"] = f"{exchange_type.schema_name}/{exchange_type.schema_version}"
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
        result = outbound.send(
            "POST",
            endpoint.base_url.rstrip("/") + path,
            outbound.dumps(payload).encode("utf-8"),
            headers,
            auth,
            (min(endpoint.connect_timeout, timeout), timeout),
        )
        response = result.body if result.body is not None else (result.text or None)
        exchange = dict(
            log_vals, http_status=result.status or False, duration_ms=result.duration_ms
        )
        if result.kind != outbound.SUCCESS:
            endpoint._log_synchronous_call(
                "failed", payload, response=response, error=result.error, **exchange
            )
            raise SynchronousCallFailed(result.error)
        answer = None
        if result.body is None:
            problems = [_("not JSON")]
        else:
            try:
                answer = answer_model.model_validate(result.body)
            except ValidationError as err:
                problems = describe_errors(err, result.body)
            else:
                problems = check_answer(answer) if check_answer else []
        if problems:
            error = _("invalid answer: %(problems)s", problems="; ".join(problems))
            endpoint._log_synchronous_call(
                "rejected", payload, response=response, error=error, **exchange
            )
            raise SynchronousCallFailed(error)
        endpoint._log_synchronous_call("processed", payload, response=response, **exchange)
        return answer

    def _log_synchronous_call(self, state, payload, response=None, record=None, **values):
        """Log one synchronous exchange; a failure is also told to the server log."""
        self.ensure_one()
        if state != "processed":
            _logger.warning(
                "%s of %s by %s %s (correlation id %s): %s",
                values.get("summary"),
                record.display_name if record else "-",
                self.code,
                state,
                values.get("correlation_id") or "-",
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
