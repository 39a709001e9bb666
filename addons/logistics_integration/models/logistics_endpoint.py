import logging
import re

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError

from .. import outbound
from ..validation import check_bounds, check_http_url

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
RETRY_PATTERN = re.compile(r"^\s*\d+\s*:\s*\d+\s*(,\s*\d+\s*:\s*\d+\s*)*$")
# Seconds a connection test waits at most, whatever the endpoint's own timeouts.
CONNECTION_TEST_TIMEOUT = 5.0
# A call holds a job worker for at most this long; more is a typo, not a slow system.
MAX_TIMEOUT_SECONDS = 3600
MAX_RETRIES = 100
CONNECTION_TEST_SUMMARY = "connection_test"
PRODUCTION_DATABASE_PARAM = "logistics_integration.production_database_uuid"
_logger = logging.getLogger(__name__)
ENDPOINT_KINDS = [
    ("tms", "Transport Management System"),
    ("carrier", "Carrier"),
    ("customer_portal", "Customer Portal"),
    ("finance", "Finance"),
]


class LogisticsEndpoint(models.Model):
    """One external system Odoo exchanges logistics data with."""

    _name = "logistics.endpoint"
    _description = "Integration Endpoint"
    _inherit = ["mail.thread", "logistics.cached.config.mixin"]
    _order = "kind, name, id"

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(
        required=True,
        tracking=True,
        help="Short technical name (lower case, digits, underscores). It names the "
        "queue_job channel root.logistics.<code> and the bridge's URL path.",
    )
    kind = fields.Selection(
        selection=ENDPOINT_KINDS,
        required=True,
        tracking=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    active = fields.Boolean(default=True, tracking=True)
    environment = fields.Selection(
        selection=[("test", "Test"), ("production", "Production")],
        required=True,
        default="test",
        tracking=True,
        help="Production endpoints are only ever called from the database registered "
        "as production in Settings. A test run, a duplicated or a neutralized "
        "database refuses to call them.",
    )
    base_url = fields.Char(string="Base URL", tracking=True)
    auth_scheme = fields.Selection(
        selection=[
            ("none", "None"),
            ("api_key", "API key header"),
            ("bearer", "Bearer token"),
            ("basic", "HTTP basic"),
        ],
        required=True,
        default="none",
        tracking=True,
    )
    api_key_header = fields.Char(
        string="API Key Header",
        default="X-API-Key",
        help="Name of the HTTP header that carries the API key.",
    )
    auth_username = fields.Char(
        string="Username", groups="logistics_integration.group_integration_admin"
    )
    auth_secret = fields.Char(
        string="Secret",
        groups="logistics_integration.group_integration_admin",
        copy=False,
        help="API key, bearer token or password, depending on the scheme.",
    )
    connect_timeout = fields.Float(default=5.0, help="Seconds to establish a connection.")
    read_timeout = fields.Float(default=30.0, help="Seconds to wait for an answer.")
    max_retries = fields.Integer(
        default=5, help="Attempts before a failed call becomes work for a person."
    )
    retry_pattern = fields.Char(
        default="1:60,2:180,5:300",
        help="Attempt:delay-in-seconds pairs; from each attempt on, its delay applies.",
    )
    responsible_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Responsible",
        tracking=True,
        help="Named owner of failed exchanges with this system.",
    )
    exchange_type_ids = fields.One2many(
        comodel_name="logistics.exchange.type",
        inverse_name="endpoint_id",
        string="Exchange Types",
    )
    log_count = fields.Integer(compute="_compute_log_count")

    _sql_constraints = [
        (
            "code_company_unique",
            "unique(code, company_id)",
            "An endpoint code must be unique per company.",
        ),
    ]

    def _compute_log_count(self):
        counts = dict(
            self.env["logistics.integration.log"]._read_group(
                [("endpoint_id", "in", self.ids)], ["endpoint_id"], ["__count"]
            )
        )
        for endpoint in self:
            endpoint.log_count = counts.get(endpoint, 0)

    @api.constrains("code")
    def _check_code(self):
        for endpoint in self:
            self._assert_technical_code(endpoint.code, _("Endpoint"))

    @api.model
    def _assert_technical_code(self, code, what):
        """Raise ValidationError unless ``code`` is a technical name (channel and URL safe)."""
        if not CODE_PATTERN.match(code or ""):
            raise ValidationError(
                _(
                    "%(what)s code %(code)r must start with a letter and contain only "
                    "lower-case letters, digits and underscores.",
                    what=what,
                    code=code,
                )
            )

    @api.constrains("base_url")
    def _check_base_url(self):
        check_http_url(self, "base_url")

    @api.constrains("connect_timeout", "read_timeout", "max_retries")
    def _check_limits(self):
        check_bounds(
            self,
            dict.fromkeys(("connect_timeout", "read_timeout"), (0, MAX_TIMEOUT_SECONDS)),
            lowest_excluded=True,
        )
        # queue_job reads 0 as "retry for ever": a failure would never become work.
        check_bounds(self, {"max_retries": (1, MAX_RETRIES)})

    @api.constrains("retry_pattern")
    def _check_retry_pattern(self):
        for endpoint in self.filtered("retry_pattern"):
            if not RETRY_PATTERN.match(endpoint.retry_pattern):
                raise ValidationError(
                    _(
                        "Retry pattern %(pattern)r must look like 1:60,2:180,5:300 "
                        "(attempt:seconds pairs).",
                        pattern=endpoint.retry_pattern,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        endpoints = super().create(vals_list)
        endpoints._ensure_job_channel()
        endpoints._ensure_exchange_types()
        return endpoints

    def write(self, vals):
        res = super().write(vals)
        if "code" in vals:
            self._ensure_job_channel()
        if "kind" in vals:
            self._ensure_exchange_types()
        return res

    @api.model
    def _cache_invalidation_fields(self):
        # What _get_active_ids_of_kind reads; addons add what they keep per endpoint.
        return {"kind", "company_id", "active"}

    # Asked for every customer-visible milestone (its portal events): kept per worker
    # until an endpoint is added, removed, archived or moved, instead of a search each.
    @api.model
    @tools.ormcache("kind", "company_id")
    def _get_active_ids_of_kind(self, kind, company_id):
        """Ids of the active endpoints of ``kind`` of company ``company_id``, in order."""
        domain = [("kind", "=", kind), ("company_id", "=", company_id)]
        return tuple(self.sudo().with_context(active_test=True).search(domain).ids)

    def action_open_logs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "logistics_integration.logistics_integration_log_action"
        )
        action["domain"] = [("endpoint_id", "=", self.id)]
        return action

    def action_test_connection(self):
        """Button: one GET on the base URL, with the endpoint's authentication and the
        same guards as real calls; the outcome is shown and kept in the integration log.
        Nothing is queued: the person waits at most a few seconds for the answer."""
        self.ensure_one()
        if not self.env.user.has_group("logistics_integration.group_integration_admin"):
            raise AccessError(_("Only Integration Administrators may test connections."))
        endpoint = self.sudo()
        endpoint._assert_call_allowed()
        headers, auth = endpoint._get_request_auth()
        headers = dict(headers, **{"User-Agent": "odoo-logistics-integration/18.0"})
        timeout = (
            min(endpoint.connect_timeout or CONNECTION_TEST_TIMEOUT, CONNECTION_TEST_TIMEOUT),
            min(endpoint.read_timeout or CONNECTION_TEST_TIMEOUT, CONNECTION_TEST_TIMEOUT),
        )
        result = outbound.send("GET", endpoint.base_url, None, headers, auth, timeout)
        reached = 200 <= result.status < 400
        if reached:
            summary = _("HTTP %(status)s in %(ms)d ms", status=result.status, ms=result.duration_ms)
        else:
            summary = result.error or _("HTTP %(status)s", status=result.status)
        log_model = self.env["logistics.integration.log"]
        log_model._record_exchange(
            log_model._prepare_exchange_vals(
                "outbound",
                "processed" if reached else "rejected",
                endpoint=endpoint,
                record=endpoint,
                summary=CONNECTION_TEST_SUMMARY,
                http_status=result.status or False,
                duration_ms=result.duration_ms,
                error=False if reached else summary,
            ),
            response=result.body if result.body is not None else (result.text or None),
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("%(endpoint)s reached", endpoint=self.name)
                if reached
                else _("%(endpoint)s not reached", endpoint=self.name),
                "message": summary,
                "type": "success" if reached else "danger",
                "sticky": not reached,
            },
        }

    def _get_retry_pattern(self):
        """Return the retry pattern as queue_job expects it: {attempt: seconds}."""
        self.ensure_one()
        if not self.retry_pattern:
            return {}
        pairs = (item.split(":") for item in self.retry_pattern.split(","))
        return {int(attempt): int(delay) for attempt, delay in pairs}

    def _get_channel_name(self):
        self.ensure_one()
        return f"root.logistics.{self.code}"

    def _ensure_job_channel(self):
        """Create the queue_job channel root.logistics.<code> of each endpoint if missing.

        The channel record carries no capacity by itself (the job runner's
        ``channels`` option does); it lets administrators see and configure
        the endpoint's jobs apart from everything else. Channels of a former
        code are kept: jobs may still be queued on them.
        """
        channel_model = self.env["queue.job.channel"].sudo()
        parent = self.env.ref("logistics_integration.channel_logistics", raise_if_not_found=False)
        if not parent:
            root = self.env.ref("queue_job.channel_root")
            parent = channel_model.search(
                [("name", "=", "logistics"), ("parent_id", "=", root.id)], limit=1
            ) or channel_model.create({"name": "logistics", "parent_id": root.id})
        for code in set(self.mapped("code")):
            if not channel_model.search_count(
                [("name", "=", code), ("parent_id", "=", parent.id)], limit=1
            ):
                channel_model.create({"name": code, "parent_id": parent.id})

    def _ensure_exchange_types(self):
        """Give each endpoint its copy of every template exchange type of its kind.

        Templates are exchange types without an endpoint, shipped as data by
        the addon that adds the flow. A code the endpoint already has (active
        or archived) is left alone, so an administrator's changes and
        archivings survive upgrades. A copy has no owner of its own: the
        endpoint's responsible answers for it until someone is named.
        """
        exchange_types = self.env["logistics.exchange.type"].sudo().with_context(active_test=False)
        for endpoint in self:
            templates = exchange_types.search(
                [("endpoint_id", "=", False), ("endpoint_kind", "=", endpoint.kind)]
            )
            existing = set(
                exchange_types.search([("endpoint_id", "=", endpoint.id)]).mapped("code")
            )
            for template in templates.filtered(lambda t, codes=existing: t.code not in codes):
                template.copy({"endpoint_id": endpoint.id, "owner_id": False})

    @api.model
    def _ensure_all_exchange_types(self):
        """Data hook for addons that ship templates: existing endpoints get them too."""
        endpoints = self.sudo().with_context(active_test=False)
        # every endpoint, archived ones too: a handful of configuration records
        endpoints.search([])._ensure_exchange_types()  # pylint: disable=no-search-all

    def _get_exchange_type(self, code):
        """The active exchange type ``code`` of this endpoint.

        A code the endpoint never had is registered on the fly as an outbound
        exchange type with the base handler, and a warning says so: code that
        sends a new kind of document keeps working until its addon ships a
        template, and the catalogue shows what flowed. A code an administrator
        archived is refused with a UserError.
        """
        self.ensure_one()
        exchange_types = self.env["logistics.exchange.type"].sudo().with_context(active_test=False)
        exchange_type = exchange_types.search(
            [("endpoint_id", "=", self.id), ("code", "=", code)], limit=1
        )
        if not exchange_type:
            _logger.warning(
                "Endpoint %s has no exchange type %r: registering it with the base handler; "
                "the addon sending it should ship an exchange type template",
                self.code,
                code,
            )
            return exchange_types.create(
                {
                    "name": code,
                    "code": code,
                    "endpoint_id": self.id,
                    "direction": "outbound",
                    "description": _("Registered by the first message sent with this code."),
                }
            )
        if not exchange_type.active:
            raise UserError(
                _(
                    "Exchange type %(code)s of %(endpoint)s is archived: nothing is sent "
                    "as it until it is restored.",
                    endpoint=self.name,
                    code=code,
                )
            )
        return exchange_type

    def _get_failure_assignee(self, record=None):
        """Who is asked to act when an exchange with this endpoint fails or needs review.

        The endpoint's responsible, else an Integration Administrator of the
        endpoint's company (see ``res.users._logistics_get_assignee``), among
        the users who may open ``record`` (the endpoint itself by default).
        Outbound failures and inbound reviews both ask this, so one endpoint's
        problems land with one person.
        """
        self.ensure_one()
        return self.env["res.users"]._logistics_get_assignee(
            record or self, preferred=self.responsible_user_id, company=self.company_id
        )

    @api.model
    def _production_call_refusal(self):
        """Why this database may not call production endpoints, or False if it may.

        A database may call production only when an administrator registered its
        unique id as the production database. Copies made by Odoo's database
        manager get a new id, and neutralized databases are flagged, so neither
        ever reaches a production system by accident.
        """
        params = self.env["ir.config_parameter"].sudo()
        if params.get_param("database.is_neutralized"):
            return _("this database is neutralized")
        registered = params.get_param(PRODUCTION_DATABASE_PARAM)
        if not registered:
            return _("no database is registered as production")
        if registered != params.get_param("database.uuid"):
            return _("this database is a copy of the registered production database")
        return False

    def _assert_call_allowed(self):
        """Raise UserError if calling this endpoint from here is not allowed."""
        for endpoint in self:
            if not endpoint.active:
                raise UserError(_("Endpoint %(name)s is archived.", name=endpoint.name))
            if not endpoint.base_url:
                raise UserError(_("Endpoint %(name)s has no base URL.", name=endpoint.name))
            if endpoint.environment == "production":
                refusal = self._production_call_refusal()
                if refusal:
                    raise UserError(
                        _(
                            "Production endpoint %(name)s was not called: %(reason)s.",
                            name=endpoint.name,
                            reason=refusal,
                        )
                    )

    def _get_request_auth(self):
        """Return (headers, auth) for requests, reading the secrets as superuser.

        The values never leave this method except into the outgoing request.
        """
        self.ensure_one()
        endpoint = self.sudo()
        if endpoint.auth_scheme == "api_key":
            return {endpoint.api_key_header or "X-API-Key": endpoint.auth_secret or ""}, None
        if endpoint.auth_scheme == "bearer":
            return {"Authorization": f"Bearer {endpoint.auth_secret or ''}"}, None
        if endpoint.auth_scheme == "basic":
            return {}, (endpoint.auth_username or "", endpoint.auth_secret or "")
        return {}, None
