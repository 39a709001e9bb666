import logging

from odoo import Command, _, api, fields, models, tools
from odoo.exceptions import UserError, ValidationError

from .logistics_endpoint import ENDPOINT_KINDS

_logger = logging.getLogger(__name__)

BASE_HANDLER = "logistics.exchange.handler"


class LogisticsExchangeType(models.Model):
    """An exchange type: one kind of document that flows to or from an endpoint.

    The catalogue is the registry the outbox dispatches by: every outbound
    message names its exchange type, and the type's handler model decides what
    a success, a failure or a 409 means for it. Entries without an endpoint are
    templates: an endpoint of their kind gets its own copy of each (see
    ``logistics.endpoint._ensure_exchange_types``), so addons ship the flows
    they add as data.
    """

    _name = "logistics.exchange.type"
    _inherit = ["logistics.cached.config.mixin"]
    _description = "Exchange Type"
    _order = "endpoint_id, direction, code, id"

    name = fields.Char(required=True)
    code = fields.Char(
        required=True,
        index=True,
        help="Technical name, unique per endpoint, e.g. tms_order_create. Code that "
        "sends or receives a document names its exchange type by this code.",
    )
    endpoint_id = fields.Many2one(
        comodel_name="logistics.endpoint",
        ondelete="cascade",
        index=True,
        help="Empty for a template: every endpoint of the template's kind gets a copy.",
    )
    endpoint_kind = fields.Selection(
        selection=ENDPOINT_KINDS,
        compute="_compute_endpoint_kind",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        help="Kind of endpoint this exchange type belongs to.",
    )
    company_id = fields.Many2one(related="endpoint_id.company_id", store=True)
    direction = fields.Selection(
        selection=[("inbound", "Inbound"), ("outbound", "Outbound")], required=True
    )
    channel = fields.Char(
        string="Job Channel",
        compute="_compute_channel",
        store=True,
        readonly=False,
        copy=False,
        help="queue_job channel of outbound jobs of this type; by default the "
        "endpoint's channel root.logistics.<endpoint code>.",
    )
    handler_model = fields.Char(
        required=True,
        default=BASE_HANDLER,
        help="Model (inheriting logistics.exchange.handler) told of each message's "
        "success or failure and asked what a 409 answer means.",
    )
    owner_id = fields.Many2one(
        comodel_name="res.users",
        help="Person asked to act when a message of this type fails; by default the "
        "endpoint's responsible.",
    )
    failure_owner_id = fields.Many2one(
        comodel_name="res.users",
        string="Failures Go To",
        compute="_compute_failure_owner_id",
        help="Who is asked to act when a message of this type fails: the owner, else the "
        "endpoint's responsible, else an Integration Administrator of its company.",
    )
    event_type_ids = fields.Many2many(
        comodel_name="logistics.event.type", string="Canonical Events"
    )
    schema_name = fields.Char(string="Contract", help="Contract name, e.g. tms-order.")
    schema_version = fields.Char(string="Contract Version", default="1")
    description = fields.Text()
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "code_endpoint_unique",
            "unique(endpoint_id, code)",
            "An exchange type code must be unique per endpoint.",
        ),
    ]

    @api.depends("endpoint_id.kind")
    def _compute_endpoint_kind(self):
        for exchange_type in self:
            exchange_type.endpoint_kind = (
                exchange_type.endpoint_id.kind or exchange_type.endpoint_kind
            )

    @api.depends("owner_id", "endpoint_id.responsible_user_id")
    def _compute_failure_owner_id(self):
        for exchange_type in self:
            # A record being edited has no access rules to test yet: its owner stands.
            exchange_type.failure_owner_id = (
                exchange_type._get_failure_assignee()
                if exchange_type.id
                else exchange_type.owner_id or exchange_type.endpoint_id.responsible_user_id
            )

    @api.depends("endpoint_id.code")
    def _compute_channel(self):
        for exchange_type in self:
            endpoint = exchange_type.endpoint_id
            exchange_type.channel = endpoint._get_channel_name() if endpoint else False

    @api.constrains("code", "endpoint_id", "endpoint_kind")
    def _check_code(self):
        for exchange_type in self:
            self.env["logistics.endpoint"]._assert_technical_code(
                exchange_type.code, _("Exchange type")
            )
            if exchange_type.endpoint_id:
                continue
            twins = self.with_context(active_test=False).search_count(
                [
                    ("endpoint_id", "=", False),
                    ("endpoint_kind", "=", exchange_type.endpoint_kind),
                    ("code", "=", exchange_type.code),
                    ("id", "!=", exchange_type.id),
                ]
            )
            if twins:
                raise ValidationError(
                    _(
                        "A template with code %(code)r already exists for this endpoint kind.",
                        code=exchange_type.code,
                    )
                )

    @api.constrains("channel")
    def _check_channel(self):
        for exchange_type in self.filtered("channel"):
            if exchange_type.channel != "root" and not exchange_type.channel.startswith("root."):
                raise ValidationError(
                    _(
                        "Job channel %(channel)r must be root or below it, e.g. "
                        "root.logistics.main_tms.",
                        channel=exchange_type.channel,
                    )
                )

    @api.constrains("handler_model")
    def _check_handler_model(self):
        base = self.env.registry[BASE_HANDLER]
        for exchange_type in self:
            name = exchange_type.handler_model
            if name not in self.env or not isinstance(self.env[name], base):
                raise ValidationError(
                    _(
                        "Handler model %(model)r of exchange type %(code)s must be a model "
                        "inheriting %(base)s.",
                        model=name,
                        code=exchange_type.code,
                        base=BASE_HANDLER,
                    )
                )

    @api.model
    def _align_with_templates(self, codes):
        """Give endpoint exchange types ``codes`` still on the base handler the
        handler, name, contract and events of their kind's template.

        For upgrades: the exchange types the upgrade of logistics_integration
        created for existing messages only knew their code; the addon that
        ships the template completes them in its own migration.
        """
        exchange_types = self.sudo().with_context(active_test=False)
        for exchange_type in exchange_types.search(
            [
                ("endpoint_id", "!=", False),
                ("code", "in", list(codes)),
                ("handler_model", "=", BASE_HANDLER),
            ]
        ):
            template = exchange_types.search(
                [
                    ("endpoint_id", "=", False),
                    ("endpoint_kind", "=", exchange_type.endpoint_kind),
                    ("code", "=", exchange_type.code),
                ],
                limit=1,
            )
            if template:
                exchange_type.write(
                    {
                        "name": template.name,
                        "handler_model": template.handler_model,
                        "schema_name": template.schema_name,
                        "schema_version": template.schema_version,
                        "event_type_ids": [Command.set(template.event_type_ids.ids)],
                        "description": template.description,
                    }
                )

    @api.model
    def _cache_invalidation_fields(self):
        # What _get_handler_model reads; addons add what they keep per exchange type.
        return {"handler_model"}

    # Asked by every message sent: kept per worker until a handler changes, instead of
    # reading the exchange type's row in every job.
    @api.model
    @tools.ormcache("exchange_type_id")
    def _get_handler_model(self, exchange_type_id):
        return self.sudo().browse(exchange_type_id).handler_model

    def _get_handler(self):
        """The handler model of this exchange type.

        A handler whose addon was uninstalled falls back to the base handler,
        so a message still ends in a state and an activity, never in limbo.
        """
        self.ensure_one()
        name = self._get_handler_model(self.id)
        if name in self.env and isinstance(self.env[name], self.env.registry[BASE_HANDLER]):
            return self.env[name].sudo()
        _logger.warning(
            "Exchange type %s (id %s) names handler %r, which is not installed; using %s",
            self.code,
            self.id,
            name,
            BASE_HANDLER,
        )
        return self.env[BASE_HANDLER].sudo()

    def _get_failure_assignee(self, record=None):
        """The type's owner, else the endpoint's responsible, else an Integration
        Administrator of the endpoint's company, among the users who may open
        ``record`` (the exchange type by default): see ``res.users._logistics_get_assignee``.
        """
        self.ensure_one()
        return self.env["res.users"]._logistics_get_assignee(
            record or self,
            preferred=self.owner_id | self.endpoint_id.responsible_user_id,
            company=self.endpoint_id.company_id,
        )

    def _assert_outbound_for(self, endpoint):
        """Raise UserError unless this is an outbound exchange type of ``endpoint``."""
        self.ensure_one()
        if self.endpoint_id != endpoint or self.direction != "outbound":
            raise UserError(
                _(
                    "Exchange type %(code)s is not an outbound exchange type of %(endpoint)s.",
                    code=self.code,
                    endpoint=endpoint.display_name,
                )
            )
