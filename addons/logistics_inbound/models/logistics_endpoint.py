from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError

from .. import contract
from .logistics_inbound_profile import DOCUMENT_FORMATS

BRIDGE_URL_PARAM = "logistics_inbound.bridge_public_url"
# Registry entry key -> field; the bridge calls the ordering key its shipment key.
PATH_FIELDS = {
    "event_id_path": "event_id_path",
    "shipment_key_path": "ordering_key_path",
    "split_path": "split_path",
}
INBOUND_FIELDS = ("inbound_format", *PATH_FIELDS.values())
# Fields whose change changes what the registry says about an endpoint.
REGISTRY_FIELDS = {*INBOUND_FIELDS, "code", "active", "company_id", "logistics_inbound_profile_id"}
JSON_FORMAT = "json"
PATH_HELP = "json only. A dotted path into the document (id, data[0].id, events[-1].id)."


class LogisticsEndpoint(models.Model):
    _name = "logistics.endpoint"
    _inherit = ["logistics.endpoint", "logistics.registry.source"]

    logistics_inbound_profile_id = fields.Many2one(
        comodel_name="logistics.inbound.profile",
        string="Inbound Profile",
        help="How this source's events or documents become canonical events.",
    )
    logistics_status_mapping_ids = fields.One2many(
        comodel_name="logistics.status.mapping",
        inverse_name="endpoint_id",
        string="Status Mapping",
    )
    inbound_format = fields.Selection(
        selection=DOCUMENT_FORMATS,
        tracking=True,
        help="What the source sends to the bridge. Empty: no inbound side; the bridges "
        "do not accept requests for this endpoint.",
    )
    event_id_path = fields.Char(
        string="Event ID Path",
        tracking=True,
        help=PATH_HELP + " The document's own event id; without it the bridge uses a hash "
        "of the body, so redeliveries are still duplicates.",
    )
    ordering_key_path = fields.Char(
        tracking=True,
        help=PATH_HELP + " The shipment key (e.g. result.tracking_code) that keeps one "
        "shipment's events in order; without it each document is its own key.",
    )
    split_path = fields.Char(
        tracking=True,
        help="json only. A path ending in [*] (events[*]): each element travels as its own "
        "event. Leave empty to let the inbound profile split the document.",
    )
    auth_recipe_ids = fields.One2many(
        comodel_name="logistics.auth.recipe",
        inverse_name="endpoint_id",
        string="Authentication Recipes",
        help="How the source proves its requests are its own; a request passes when any "
        "active recipe accepts it (two side by side during a cutover).",
    )
    inbound_profile_problem = fields.Char(
        compute="_compute_inbound_profile_problem",
        help="Why the bridges do not accept requests for this endpoint: no inbound profile "
        "reads its inbound format.",
    )
    inbound_url = fields.Char(
        string="Inbound URL",
        compute="_compute_inbound_url",
        help="What the source sends its requests to: the bridge public URL of Settings "
        "followed by /v1/in/<code>.",
    )

    def _compute_inbound_url(self):
        params = self.env["ir.config_parameter"].sudo()
        base = (params.get_param(BRIDGE_URL_PARAM) or "").rstrip("/")
        for endpoint in self:
            served = base and endpoint.code and endpoint.inbound_format
            endpoint.inbound_url = f"{base}/v1/in/{endpoint.code}" if served else False

    @api.depends("inbound_format", "logistics_inbound_profile_id.document_format")
    def _compute_inbound_profile_problem(self):
        for endpoint in self:
            endpoint.inbound_profile_problem = endpoint._get_inbound_profile_problem()

    @api.constrains(*INBOUND_FIELDS)
    def _check_inbound_settings(self):
        for endpoint in self.filtered("inbound_format"):
            try:
                contract.endpoint_document(endpoint._registry_settings())
            except contract.ValidationError as exc:
                raise ValidationError(
                    endpoint._inbound_problems_text(contract.error_lines(exc))
                ) from None

    @api.constrains("inbound_format", "logistics_inbound_profile_id")
    def _check_inbound_profile(self):
        for endpoint in self:
            problem = endpoint._get_inbound_profile_problem()
            if problem:
                raise ValidationError(endpoint._inbound_refusal_text([problem]))

    def _get_inbound_profile_problem(self):
        """Why no profile can read what the bridges would forward for this endpoint
        ("" when one can): the ingest refuses every event whose format is not its
        profile's, after the bridge has acknowledged it."""
        self.ensure_one()
        if not self.inbound_format:
            return ""
        fmt = dict(self._fields["inbound_format"]._description_selection(self.env))
        inbound_format = fmt[self.inbound_format]
        profile_label = self._fields["logistics_inbound_profile_id"].string
        profile = self._get_inbound_profile()
        if not profile:
            return _(
                "%(profile_field)s: none set; an endpoint whose %(format_field)s is "
                "%(format)s needs a profile whose document format is %(format)s.",
                profile_field=profile_label,
                format_field=self._fields["inbound_format"].string,
                format=inbound_format,
            )
        if profile.document_format == self.inbound_format:
            return ""
        return _(
            "%(profile_field)s: %(profile)s%(default)s reads %(profile_format)s, but the "
            "%(format_field)s is %(format)s; choose a profile whose document format is "
            "%(format)s, or the inbound format %(profile_format)s.",
            profile_field=profile_label,
            profile=profile.display_name,
            default="" if self.logistics_inbound_profile_id else _(" (the default profile)"),
            profile_format=fmt[profile.document_format],
            format_field=self._fields["inbound_format"].string,
            format=inbound_format,
        )

    @api.model
    def _registry_fields(self):
        return REGISTRY_FIELDS

    def _in_registry(self):
        """Endpoints served by the bridges: those with an inbound format their inbound
        profile reads (one saved before that rule stays out until it is corrected)."""
        return self.filtered(
            lambda endpoint: endpoint.inbound_format and not endpoint._get_inbound_profile_problem()
        )

    def _get_inbound_profile(self):
        """The profile that reads this endpoint's events (empty if none is configured)."""
        self.ensure_one()
        return self.logistics_inbound_profile_id

    @api.model
    def _cache_invalidation_fields(self):
        # The code finds the bridge's endpoint; the profile holds default status mappings.
        return super()._cache_invalidation_fields() | {"code", "logistics_inbound_profile_id"}

    # The lookups below are made by every ingest call: kept per worker until an endpoint,
    # a profile, a status mapping, an inbound exchange type or the user's companies change.
    @api.model
    @tools.ormcache("code", "user_id")
    def _get_bridge_endpoint_id(self, code, user_id):
        """Id of the active endpoint ``code`` of a company of user ``user_id`` (0 if none)."""
        company_ids = self.env["res.users"].sudo().browse(user_id)._get_company_ids()
        domain = [("code", "=", code), ("company_id", "in", company_ids)]
        return self.sudo().with_context(active_test=True).search(domain, limit=1).id

    def _get_status_mapping_table(self):
        """``{(raw_code, raw_detail or ""): mapping}``; endpoint lines override profile lines."""
        self.ensure_one()
        # An endpoint being edited (a sample tried in a form) has lines of its own, unsaved.
        table = dict(self._get_status_mapping_ids(self.id) if self.id else self._mapping_pairs())
        mappings = self.env["logistics.status.mapping"].browse(table.values())
        return dict(zip(table, mappings, strict=True))

    @api.model
    @tools.ormcache("endpoint_id")
    def _get_status_mapping_ids(self, endpoint_id):
        return self.sudo().browse(endpoint_id)._mapping_pairs()

    def _mapping_pairs(self):
        """``((raw_code, raw_detail or ""), mapping id)`` pairs of this endpoint's table."""
        table = {}
        for mapping in self._get_inbound_profile().status_mapping_ids:
            table[(mapping.raw_code, mapping.raw_detail or "")] = mapping.id
        for mapping in self.logistics_status_mapping_ids:
            table[(mapping.raw_code, mapping.raw_detail or "")] = mapping.id
        return tuple(table.items())

    def _get_inbound_exchange_type(self, document_format):
        """The catalogue entry of this endpoint's inbound exchange, if one is recorded.

        An inbound exchange type whose contract is the document format wins over
        any other inbound exchange type of the endpoint.
        """
        self.ensure_one()
        exchange_type_id = self._get_inbound_exchange_type_id(self.id, document_format)
        return self.env["logistics.exchange.type"].browse(exchange_type_id)

    @api.model
    @tools.ormcache("endpoint_id", "document_format")
    def _get_inbound_exchange_type_id(self, endpoint_id, document_format):
        exchange_types = (
            self.env["logistics.exchange.type"]
            .sudo()
            .with_context(active_test=True)
            .search([("endpoint_id", "=", endpoint_id), ("direction", "=", "inbound")])
        )
        exact = exchange_types.filtered(lambda i: i.schema_name == document_format)
        return (exact or exchange_types)[:1].id

    # Registry

    def _registry_settings(self):
        """The entry keys of the endpoint itself; the paths only where they are read."""
        self.ensure_one()
        settings = {"format": self.inbound_format}
        if self.inbound_format == JSON_FORMAT:
            settings.update({key: self[name] or None for key, name in PATH_FIELDS.items()})
        return settings

    def _registry_entry(self, now, recipes):
        """This endpoint as an entry of the registry document, secrets in clear, with
        those of ``recipes`` that can accept a request now (a live secret, or a JWKS)."""
        self.ensure_one()
        recipes = recipes.filtered(lambda recipe: recipe._is_usable(now))
        return {**self._registry_settings(), "auth": [r._registry_recipe(now) for r in recipes]}

    def _inbound_entry(self, now):
        """The whole inbound side as a registry entry: every active recipe, usable or not."""
        self.ensure_one()
        recipes = self.auth_recipe_ids.filtered("active")
        return {**self._registry_settings(), "auth": [r._registry_recipe(now) for r in recipes]}

    def _inbound_problems_text(self, problems):
        """A ValidationError text naming the field of each ``setting: message`` problem."""
        self.ensure_one()
        labels = {key: self._fields[name].string for key, name in PATH_FIELDS.items()}
        labels["format"] = self._fields["inbound_format"].string
        lines = []
        for problem in problems:
            setting, __ = contract.problem_setting(problem)
            message = problem.split(":", 1)[-1].strip()
            lines.append(f"{labels.get(setting, setting or '')}: {message}")
        return self._inbound_refusal_text(lines)

    def _inbound_refusal_text(self, lines):
        """A ValidationError text of ``lines``, each naming a field and its problem."""
        self.ensure_one()
        return _(
            "Endpoint %(endpoint)s, inbound settings refused:\n%(problems)s",
            endpoint=self.display_name,
            problems="\n".join(lines),
        )

    @api.model
    def _import_inbound(self, code, document):
        """Make the inbound side of endpoint ``code`` of the current company ``document``
        (a contract-normalised registry entry); answer created, updated or unchanged."""
        now = fields.Datetime.now()
        endpoint = self.with_context(active_test=False).search(
            [("code", "=", code), ("company_id", "=", self.env.company.id)], limit=1
        )
        if endpoint and contract.same_settings(
            contract.endpoint_document(endpoint._inbound_entry(now)),
            document,
        ):
            return "unchanged"
        values = {"inbound_format": document["format"]}
        values.update({name: document.get(key) or False for key, name in PATH_FIELDS.items()})
        if endpoint:
            endpoint.write(values)
            result = "updated"
        else:
            endpoint = self.create({"name": code, "code": code, "kind": "carrier", **values})
            result = "created"
        endpoint._import_recipes(document["auth"], now)
        return result

    def _import_recipes(self, recipe_documents, now):
        """Recipes in the order given: the n-th active recipe is updated when its scheme
        is the same, replaced otherwise; recipes beyond the list are archived."""
        self.ensure_one()
        recipes = self.env["logistics.auth.recipe"]
        existing = self.auth_recipe_ids.filtered("active")
        for index, document in enumerate(recipe_documents):
            values = dict(recipes._values_from_registry(document), sequence=10 * (index + 1))
            recipe = existing[index : index + 1]
            if recipe.scheme == document["scheme"]:
                recipe._import_registry_recipe(values, document["secrets"], now)
                continue
            recipe.active = False
            recipe = recipes.create(
                dict(values, endpoint_id=self.id, name=recipes._scheme_label(document["scheme"]))
            )
            recipe._import_registry_recipe({}, document["secrets"], now)
        existing[len(recipe_documents) :].active = False
