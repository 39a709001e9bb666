import json
import logging

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import identity_exact

from .. import outbound

_logger = logging.getLogger(__name__)

MESSAGE_STATES = [
    ("pending", "Pending"),
    ("sent", "Sent"),
    ("failed", "Failed"),
    ("cancelled", "Cancelled"),
]


class LogisticsOutboundMessage(models.Model):
    """The outbox: one document Odoo must deliver to an external system.

    Every outbound call goes through a message: the business code builds the
    exact body, ``_enqueue`` stores it in the same transaction as the business
    change, and the job ``_send`` delivers it with the endpoint's timeouts,
    authentication, retry policy and environment guard, logging each attempt.
    Each message names its exchange type (``exchange_type_id``); the type's handler
    model hears of the outcome and decides what a 409 means, whatever record
    the message is about.
    """

    _name = "logistics.outbound.message"
    _description = "Outbound Message"
    _inherit = ["mail.thread", "mail.activity.mixin", "logistics.related.record.mixin"]
    _order = "id desc"
    _rec_name = "idempotency_key"

    endpoint_id = fields.Many2one(
        comodel_name="logistics.endpoint",
        required=True,
        index=True,
        readonly=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(
        related="endpoint_id.company_id", store=True, index=True, readonly=True
    )
    exchange_type_id = fields.Many2one(
        comodel_name="logistics.exchange.type",
        required=True,
        index=True,
        readonly=True,
        ondelete="restrict",
        help="What is sent; its handler is told of the outcome.",
    )
    exchange_type_code = fields.Char(
        required=True,
        readonly=True,
        index=True,
        help="Code of the exchange type when the message was created, e.g. "
        "tms_order_create, portal_event.",
    )
    http_method = fields.Selection(
        selection=[("POST", "POST"), ("PUT", "PUT")],
        string="HTTP Method",
        required=True,
        default="POST",
        readonly=True,
    )
    path = fields.Char(
        required=True, readonly=True, help="Path appended to the endpoint's base URL."
    )
    model = fields.Char(string="Related Model", index=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Related Record ID", model_field="model", index=True, readonly=True
    )
    payload = fields.Text(readonly=True, help="The exact JSON body sent, unmasked.")
    payload_version = fields.Integer(
        default=1,
        readonly=True,
        help="Version of the document at the other side: 1 for the first send, "
        "incremented by every update.",
    )
    schema_version = fields.Char(readonly=True, help="Contract and version, e.g. tms-order/1.")
    idempotency_key = fields.Char(
        required=True,
        index=True,
        readonly=True,
        copy=False,
        help="Sent as Idempotency-Key on every attempt and replay of this message.",
    )
    correlation_id = fields.Char(index=True, readonly=True)
    state = fields.Selection(
        selection=MESSAGE_STATES,
        required=True,
        default="pending",
        index=True,
        readonly=True,
    )
    job_id = fields.Many2one(
        comodel_name="queue.job",
        string="Current Job",
        readonly=True,
        ondelete="set null",
        copy=False,
    )
    log_ids = fields.One2many(
        comodel_name="logistics.integration.log",
        inverse_name="outbound_message_id",
        string="Attempts",
        readonly=True,
    )
    attempt_count = fields.Integer(compute="_compute_attempt_info")
    last_error = fields.Text(compute="_compute_attempt_info")
    last_http_status = fields.Integer(string="Last HTTP Status", compute="_compute_attempt_info")
    sent_date = fields.Datetime(readonly=True, copy=False)
    failure_reason = fields.Text(readonly=True, copy=False, help="Why the message failed for good.")
    replay_reason = fields.Text(
        readonly=True,
        copy=False,
        help="Why a person sent the message again, when the record it is about was closed.",
    )

    _sql_constraints = [
        (
            "idempotency_key_endpoint_unique",
            "unique(endpoint_id, idempotency_key)",
            "A message with this idempotency key already exists for this endpoint.",
        ),
    ]

    @api.depends("exchange_type_id", "exchange_type_code", "record_name", "payload_version")
    def _compute_display_name(self):
        # What was sent about what: the idempotency key stays a field of its own.
        for message in self:
            parts = [
                message.exchange_type_id.name or message.exchange_type_code,
                message.record_name,
            ]
            if message.payload_version > 1:
                parts.append(_("version %(version)s", version=message.payload_version))
            message.display_name = " · ".join(part for part in parts if part)

    @api.depends("log_ids.error", "log_ids.http_status")
    def _compute_attempt_info(self):
        # Computed from the log, not stored: attempt logs are written from a
        # separate cursor while the job holds this row, so writing the row
        # there would conflict with the job's own transaction.
        for message in self:
            logs = message.log_ids.sorted("id")
            message.attempt_count = len(logs)
            message.last_error = logs[-1:].error or False
            message.last_http_status = logs[-1:].http_status or 0

    def action_replay(self, reason=None):
        """Send this message again in a new job, with the same idempotency key;
        ``reason`` is kept on the message, its job and the log of its attempts."""
        self.ensure_one()
        refusal = _("A cancelled message is not sent again.")
        return self._run_admin_action("cancelled", refusal, "_replay", reason=reason)

    def action_cancel(self):
        """Give up a message that is still pending or failed."""
        self.ensure_one()
        refusal = _("A message that was delivered cannot be cancelled.")
        return self._run_admin_action("sent", refusal, "_cancel")

    def _run_admin_action(self, refused_state, refusal, method_name, **kwargs):
        """Run ``method_name`` as superuser for an Integration Administrator."""
        if not self.env.user.has_group("logistics_integration.group_integration_admin"):
            raise AccessError(_("Only Integration Administrators may replay or cancel messages."))
        if self.state == refused_state:
            raise UserError(refusal)
        getattr(self.sudo(), method_name)(**kwargs)
        return True

    # ------------------------------------------------------------------
    # Sending API
    # ------------------------------------------------------------------

    @api.model
    def _enqueue(
        self,
        endpoint,
        exchange_type,
        record,
        payload,
        path,
        http_method="POST",
        payload_version=1,
        idempotency_key=None,
        correlation_id=None,
        schema_version=None,
        description=None,
    ):
        """Store an outbound message and delay the job that delivers it.

        :param endpoint: ``logistics.endpoint`` record to call
        :param exchange_type: outbound ``logistics.exchange.type`` of the endpoint,
            or its code, e.g. ``tms_order_create`` or ``portal_event``
        :param record: the record the message is about, or an empty recordset
        :param payload: JSON-serializable dict, the exact body to send
        :param path: path relative to the endpoint's base URL, e.g. ``/v1/orders``
        :param http_method: ``"POST"`` or ``"PUT"``
        :param payload_version: version of the document at the other side
        :param idempotency_key: stable key; by default derived from the
            record, the exchange type's code and the payload version
        :param correlation_id: defaults to ``record.correlation_id``
        :param schema_version: defaults to the exchange type's
            ``<contract>/<version>``
        :return: the ``logistics.outbound.message``; when a message with the
            same idempotency key already exists for the endpoint, that message
            is returned and nothing new is enqueued
        """
        endpoint.ensure_one()
        if isinstance(exchange_type, str):
            exchange_type = endpoint._get_exchange_type(exchange_type)
        exchange_type._assert_outbound_for(endpoint)
        self._assert_same_company(endpoint, record)
        code = exchange_type.code
        key = idempotency_key or self._default_idempotency_key(record, code, payload_version)
        existing = self.sudo().search(
            [("endpoint_id", "=", endpoint.id), ("idempotency_key", "=", key)], limit=1
        )
        if existing:
            return existing
        if correlation_id is None and record and "correlation_id" in record._fields:
            correlation_id = record.correlation_id
        if schema_version is None and exchange_type.schema_name:
            schema_version = f"{exchange_type.schema_name}/{exchange_type.schema_version}"
        message = (
            self.sudo()
            .with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
            .create(
                {
                    "endpoint_id": endpoint.id,
                    "exchange_type_id": exchange_type.id,
                    "exchange_type_code": code,
                    "http_method": http_method,
                    "path": path,
                    "model": record._name if record else False,
                    "res_id": record.id if record else False,
                    "payload": outbound.dumps(payload),
                    "payload_version": payload_version,
                    "schema_version": schema_version,
                    "idempotency_key": key,
                    "correlation_id": correlation_id or False,
                }
            )
        )
        message._delay_send(description=description)
        return message

    @api.model
    def _assert_same_company(self, endpoint, record):
        """Raise UserError when ``record`` belongs to another company than ``endpoint``:
        a company's documents only ever leave through its own endpoints."""
        company = record.company_id if record and "company_id" in record._fields else None
        if company and company != endpoint.company_id:
            raise UserError(
                _(
                    "%(record)s belongs to %(company)s: it is only sent through endpoints of "
                    "%(company)s, not through %(endpoint)s of %(endpoint_company)s.",
                    record=record.display_name,
                    company=company.name,
                    endpoint=endpoint.display_name,
                    endpoint_company=endpoint.company_id.name,
                )
            )

    @api.model
    def _default_idempotency_key(self, record, code, payload_version):
        subject = f"{record._name}-{record.id}" if record else "none"
        return f"{self._idempotency_key_prefix()}-{subject}-{code}-v{payload_version}"

    @api.model
    def _idempotency_key_prefix(self):
        """``odoo-<database>``: keys of two databases (e.g. a copy) never collide."""
        database = (self.env["ir.config_parameter"].sudo().get_param("database.uuid") or "")[:8]
        return f"odoo-{database}"

    def _delay_send(self, description=None):
        """Delay ``_send`` on the exchange type's channel; return the queue.job record.

        The job function's retry pattern (XML data) is only a fallback: each
        retry passes the endpoint's own delay explicitly, see ``_send``.
        """
        self.ensure_one()
        endpoint = self.endpoint_id
        # The job belongs to the endpoint's company, whoever made the message.
        message = self.with_company(endpoint.company_id)
        delayed = message.with_delay(
            channel=self.exchange_type_id.channel or endpoint._get_channel_name(),
            identity_key=identity_exact,
            max_retries=endpoint.max_retries,
            description=description
            or _(
                "%(exchange_type)s to %(endpoint)s (%(key)s)",
                exchange_type=self.exchange_type_code,
                endpoint=endpoint.name,
                key=self.idempotency_key,
            ),
        )._send()
        job = self.env["queue.job"].sudo().search([("uuid", "=", delayed.uuid)], limit=1)
        self.job_id = job
        return job

    def _replay(self, reason=None):
        self.ensure_one()
        self.write({"state": "pending", "failure_reason": False, "replay_reason": reason or False})
        description = None
        if reason:
            description = _(
                "Replay of %(exchange_type)s to %(endpoint)s (%(key)s): %(reason)s",
                exchange_type=self.exchange_type_code,
                endpoint=self.endpoint_id.name,
                key=self.idempotency_key,
                reason=reason,
            )
        return self._delay_send(description=description)

    def _cancel(self):
        for message in self:
            if message.job_id and message.job_id.state in (
                "pending",
                "enqueued",
                "wait_dependencies",
            ):
                message.job_id.button_cancelled()
            message.state = "cancelled"

    # ------------------------------------------------------------------
    # Job
    # ------------------------------------------------------------------

    def _send(self):
        """Deliver this message once (queue_job job method).

        Outcomes: 2xx, or a 409 the exchange type's handler recognises as
        "already there", marks the message sent and calls the handler's
        ``_on_success``. Timeouts, connection errors, 408, 425, 429 and 5xx
        raise RetryableJobError with the endpoint's delay (or the server's
        Retry-After). Any other answer, a refusal by the environment guard, or
        a transient error on the last allowed attempt fails the message for
        good and calls the handler's ``_on_failure``.

        Exhausted retries are handled here rather than in a queue_job hook:
        the message knows from the job which attempt this is, and failing it
        in this transaction (returning normally instead of raising) keeps the
        failure bookkeeping, the activity and the job result together. The
        ``on_fail_method`` of the job function (``_on_job_failed``) remains as
        a safety net for unexpected errors (a bug, a database error).
        """
        self.ensure_one()
        if self.state != "pending":
            return _("Nothing to do: message is %(state)s.", state=self.state)
        endpoint = self.endpoint_id.sudo()
        attempt, max_retries, job = self._get_attempt_info()
        try:
            endpoint._assert_call_allowed()
        except UserError as err:
            self._record_attempt(attempt, job, outbound.Outcome(outbound.FAIL, error=str(err)))
            self._fail(str(err))
            return str(err)
        headers, auth = endpoint._get_request_auth()
        headers = dict(
            headers,
            **{
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Idempotency-Key": self.idempotency_key,
                "X-Correlation-ID": self.correlation_id or "",
                "traceparent": self._traceparent(),
                "User-Agent": "odoo-logistics-integration/18.0",
            },
        )
        url = endpoint.base_url.rstrip("/") + "/" + self.path.lstrip("/")
        result = outbound.send(
            self.http_method,
            url,
            self.payload.encode("utf-8"),
            headers,
            auth,
            (endpoint.connect_timeout, endpoint.read_timeout),
            conflict_is_success=self._conflict_is_success,
        )
        self._record_attempt(attempt, job, result)
        if result.kind == outbound.SUCCESS:
            self._succeed(result.body or {})
            return _("Sent: HTTP %(status)s", status=result.status)
        if result.kind == outbound.RETRY:
            if max_retries and attempt >= max_retries:
                error = _(
                    "%(error)s (gave up after %(attempts)s attempts)",
                    error=result.error,
                    attempts=attempt,
                )
                self._fail(error)
                return error
            seconds = result.retry_after
            if seconds is None:
                seconds = outbound.retry_delay(endpoint._get_retry_pattern(), attempt)
            raise RetryableJobError(result.error, seconds=seconds)
        self._fail(result.error)
        return result.error

    def _traceparent(self):
        """W3C ``traceparent`` of this attempt (a hook: a tracer supplies its own span)."""
        return outbound.traceparent(self.correlation_id)

    def _get_attempt_info(self):
        """(attempt number, max retries, queue.job) for the running job.

        queue_job counts the attempt in memory before calling the method and
        stores it afterwards, so the stored counter is one behind. Outside a
        job (direct call) this is attempt 1 of the endpoint's maximum.

        Only the two counters are read: queue_job commits the job's start just
        before running it, which empties the cache, and reading the record would
        fetch its whole row again (arguments, records, traceback).
        """
        uuid = self.env.context.get("job_uuid")
        job = self.env["queue.job"]
        if uuid:
            job = job.sudo().search_fetch([("uuid", "=", uuid)], ["retry", "max_retries"], limit=1)
        if job:
            return job.retry + 1, job.max_retries, job
        return 1, self.endpoint_id.max_retries, job

    def _conflict_is_success(self, body):
        """Whether a 409 body says the other side already holds this document."""
        return self.exchange_type_id._get_handler()._conflict_is_success(self, body)

    def _record_attempt(self, attempt, job, result):
        """Log one attempt, masked and bounded, in the integration log.

        An attempt that ends the job (sent, failed for good) is logged in the
        job's transaction, together with its outcome. A retry raises
        RetryableJobError and queue_job rolls that transaction back, so a retry
        is logged from a separate cursor to survive: that cursor only inserts a
        log row (it never writes this message), so it cannot conflict with the
        job's transaction. In test mode the registry hands out a cursor on the
        test transaction.
        """
        state = {
            outbound.SUCCESS: "processed",
            outbound.RETRY: "failed",
            outbound.FAIL: "rejected",
        }[result.kind]
        vals = self.env["logistics.integration.log"]._prepare_exchange_vals(
            "outbound",
            state,
            endpoint=self.endpoint_id,
            job=job,
            outbound_message_id=self.id,
            correlation_id=self.correlation_id,
            idempotency_key=self.idempotency_key,
            model=self.model,
            res_id=self.res_id,
            summary=self.exchange_type_code,
            schema_version=self.schema_version,
            attempt=attempt,
            http_status=result.status or False,
            duration_ms=result.duration_ms,
            error=result.error or False,
            replay_reason=self.replay_reason or False,
        )
        payload = json.loads(self.payload or "null")
        response = result.body if result.body is not None else (result.text or None)
        if result.kind != outbound.RETRY:
            return self.env["logistics.integration.log"]._record_exchange(
                vals, payload=payload, response=response
            )
        self.env.flush_all()
        with self.env.registry.cursor() as cr:
            env = self.env(cr=cr, su=True)
            env["logistics.integration.log"]._record_exchange(
                vals, payload=payload, response=response
            )
        return None

    def _get_related_record(self):
        self.ensure_one()
        if not (self.model and self.res_id) or self.model not in self.env:
            return None
        model = self.env[self.model].sudo()
        # One query tells whether the record still exists and reads the row its handler
        # reads next (the columns Odoo would prefetch), instead of one query for each.
        columns = [
            name
            for name, field in model._fields.items()
            if field.store and field.column_type and field.prefetch is True
        ]
        record = model.with_context(active_test=False).search_fetch(
            [("id", "=", self.res_id)], columns, order="id"
        )
        return record.with_env(model.env) or None

    def _succeed(self, response_json):
        # Runs for every message sent: no field of a message is tracked or names a
        # follower, so the chatter's bookkeeping of this write would find nothing.
        self.with_context(tracking_disable=True).write(
            {"state": "sent", "sent_date": fields.Datetime.now(), "failure_reason": False}
        )
        self.exchange_type_id._get_handler()._on_success(self, response_json)

    def _fail(self, error):
        """Fail for good and tell the exchange type's handler (a person must act)."""
        self.write({"state": "failed", "failure_reason": error})
        self.exchange_type_id._get_handler()._on_failure(self, error)

    def _on_job_failed(self, exc_info=None, exc_name=None, exc_message=None):
        """queue_job ``on_fail_method``: a job ended in an unexpected error.

        queue_job calls this after the job's transaction was rolled back, with
        the record still bound to that transaction, so the failure is written
        from a cursor of its own (its transaction may be aborted: no flush).
        """
        with self.env.registry.cursor() as cr:
            for message in self.with_env(self.env(cr=cr, su=True)):
                if message.state == "pending":
                    message._fail(exc_message or exc_name or _("Job failed"))

    def _related_action_open_record(self):
        """queue_job related action: open the record the message is about."""
        self.ensure_one()
        return self.action_open_record() or self.get_formview_action()
