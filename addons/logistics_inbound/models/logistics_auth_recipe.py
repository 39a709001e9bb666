import base64
import secrets
from datetime import UTC

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .. import contract

SCHEMES = [
    ("standard-webhooks", "Standard Webhooks"),
    ("hmac", "HMAC header"),
    ("basic", "HTTP Basic"),
    ("token", "Token header"),
    ("signature", "Signature"),
]
# The registry keys of each scheme, besides "scheme" and "secrets".
SCHEME_KEYS = {
    "standard-webhooks": (),
    "hmac": (
        "header",
        "allow_sha1",
        "algorithm",
        "encoding",
        "prefix",
        "timestamp_header",
        "tolerance_seconds",
    ),
    "basic": (),
    "token": ("header", "prefix"),
    "signature": (
        "signature_header",
        "signature_prefix",
        "signature_format",
        "list_separator",
        "list_pair_separator",
        "signature_key",
        "timestamp_key",
        "signature_body_field",
        "signed_template",
        "timestamp_header",
        "timestamp_body_field",
        "timestamp_unit",
        "tolerance_seconds",
        "delivery_id_header",
        "allow_sha1",
        "algorithm",
        "key_encoding",
        "signature_encoding",
        "jwks_url",
        "key_id_header",
        "jwks_cache_seconds",
    ),
}
# Where a key is not stored in the field of its name: HMAC's algorithms are not the
# signature recipe's (sha256 is an HMAC there, a plain hash here).
KEY_FIELDS = {("hmac", "algorithm"): "hmac_algorithm"}
# Keys an empty field sends as null; other empty fields are left out, so the recipe's
# default applies (Authorization for a token header, {body} for the template...).
NULLABLE_KEYS = {
    "signature_header",
    "signature_key",
    "timestamp_key",
    "signature_body_field",
    "timestamp_header",
    "timestamp_body_field",
    "timestamp_unit",
    "delivery_id_header",
    "jwks_url",
    "key_id_header",
}
# Every field a registry key is read from.
KEY_FIELD_NAMES = tuple(
    dict.fromkeys(
        KEY_FIELDS.get((scheme, key), key) for scheme, keys in SCHEME_KEYS.items() for key in keys
    )
)
HEADER_HELP = "An HTTP header name, with '-' (never '_': servers drop such headers)."


def _field_name(scheme, key):
    return KEY_FIELDS.get((scheme, key), key)


class LogisticsAuthRecipe(models.Model):
    """How one source authenticates its requests to the bridge: a scheme and its settings.

    The registry serves an endpoint's active recipes side by side (a request passes if any
    accepts it) with their live secrets; settings the bridge could never match are refused
    here by the contract's ``recipe_problems``, the check the bridge's ``check-config`` runs.
    """

    _name = "logistics.auth.recipe"
    _description = "Inbound Authentication Recipe"
    _inherit = ["mail.thread", "logistics.registry.source"]
    _order = "endpoint_id, sequence, id"

    name = fields.Char(required=True, tracking=True)
    endpoint_id = fields.Many2one(
        comodel_name="logistics.endpoint",
        required=True,
        ondelete="cascade",
        index=True,
        tracking=True,
    )
    company_id = fields.Many2one(related="endpoint_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    scheme = fields.Selection(
        selection=SCHEMES, required=True, default="standard-webhooks", tracking=True
    )
    # hmac and token
    header = fields.Char(
        tracking=True,
        help="hmac: the header carrying the signature. token: the header carrying the "
        "token (Authorization when empty). " + HEADER_HELP,
    )
    prefix = fields.Char(
        tracking=True,
        help="Text before the value in the header (hmac: e.g. sha256=; token: Bearer "
        "for Authorization when empty).",
    )
    hmac_algorithm = fields.Selection(
        selection=[("sha256", "HMAC-SHA256"), ("sha512", "HMAC-SHA512"), ("sha1", "HMAC-SHA1")],
        string="HMAC Algorithm",
        default="sha256",
        tracking=True,
    )
    encoding = fields.Selection(
        selection=[("hex", "Hex"), ("base64", "Base64")], default="hex", tracking=True
    )
    timestamp_header = fields.Char(
        tracking=True,
        help="hmac: when set, <timestamp>.<body> is signed. signature: where the timestamp "
        "travels. " + HEADER_HELP,
    )
    tolerance_seconds = fields.Integer(
        default=300,
        tracking=True,
        help="How old a signed timestamp may be (signature: 0 = no timestamp check).",
    )
    allow_sha1 = fields.Boolean(
        string="Allow SHA-1",
        tracking=True,
        help="SHA-1 is weak: only where the provider signs with nothing else.",
    )
    # signature
    signature_header = fields.Char(tracking=True, help=HEADER_HELP)
    signature_prefix = fields.Char(tracking=True, help="Text before the signature (sha256=).")
    signature_format = fields.Selection(
        selection=[("plain", "Plain"), ("list", "List (t=…,v1=…)")],
        default="plain",
        tracking=True,
        help="list: a header like t=1700000000,v1=abc,v1=def.",
    )
    list_separator = fields.Char(default=",", tracking=True)
    list_pair_separator = fields.Char(default="=", tracking=True)
    signature_key = fields.Char(
        default="v1", tracking=True, help="list: the key of the signature entries."
    )
    timestamp_key = fields.Char(tracking=True, help="list: the key of the timestamp entry (t).")
    signature_body_field = fields.Char(
        tracking=True, help="A path in the JSON body holding the signature (signature.value)."
    )
    signed_template = fields.Char(
        default="{body}",
        tracking=True,
        help="What is signed: {body} (the raw bytes), {timestamp}, {delivery_id}, {url} "
        "(the inbound URL), {secret} (plain hashes only), {field:<path>}.",
    )
    timestamp_body_field = fields.Char(
        tracking=True, help="A path in the JSON body holding the timestamp."
    )
    timestamp_unit = fields.Selection(
        selection=[("s", "Seconds"), ("ms", "Milliseconds")], tracking=True
    )
    delivery_id_header = fields.Char(
        string="Delivery ID Header",
        tracking=True,
        help="The sender's delivery id (the idempotency key, like webhook-id). " + HEADER_HELP,
    )
    algorithm = fields.Selection(
        selection=[
            ("hmac-sha1", "HMAC-SHA1"),
            ("hmac-sha256", "HMAC-SHA256"),
            ("hmac-sha512", "HMAC-SHA512"),
            ("sha256", "SHA-256 hash"),
            ("sha512", "SHA-512 hash"),
            ("rsa-sha256", "RSA PKCS#1 v1.5 SHA-256"),
            ("rsa-pss-sha256", "RSA-PSS SHA-256"),
            ("ecdsa-sha256", "ECDSA P-256 SHA-256"),
            ("ed25519", "Ed25519"),
        ],
        default="hmac-sha256",
        tracking=True,
    )
    key_encoding = fields.Selection(
        selection=[("text", "Text"), ("hex", "Hex"), ("base64", "Base64"), ("whsec", "whsec_")],
        default="text",
        tracking=True,
        help="How HMAC and hash secrets are written.",
    )
    signature_encoding = fields.Selection(
        selection=[("hex", "Hex"), ("base64", "Base64")], default="hex", tracking=True
    )
    jwks_url = fields.Char(
        string="JWKS URL",
        tracking=True,
        help="Public-key algorithms: the provider's key set, fetched and cached by the "
        "bridge, instead of PEM keys as secrets.",
    )
    key_id_header = fields.Char(string="Key ID Header", tracking=True, help=HEADER_HELP)
    jwks_cache_seconds = fields.Integer(string="JWKS Cache (s)", default=3600, tracking=True)
    secret_ids = fields.One2many(
        comodel_name="logistics.auth.secret", inverse_name="recipe_id", string="Secrets"
    )
    uses_public_key = fields.Boolean(compute="_compute_uses_public_key")
    secret_summary = fields.Char(
        string="Secrets Summary",
        compute="_compute_secret_summary",
        help="The active secrets: preview, state and expiry.",
    )

    @api.depends("scheme", "algorithm")
    def _compute_uses_public_key(self):
        for recipe in self:
            recipe.uses_public_key = (
                recipe.scheme == "signature" and recipe.algorithm in contract.PUBLIC_KEY_ALGORITHMS
            )

    @api.depends("secret_ids.preview", "secret_ids.state", "secret_ids.expires_at")
    def _compute_secret_summary(self):
        state_field = self.env["logistics.auth.secret"]._fields["state"]
        states = dict(state_field._description_selection(self.env))
        for recipe in self:
            parts = []
            for secret in recipe.secret_ids:
                expiry = (
                    _("until %(date)s", date=fields.Date.to_string(secret.expires_at))
                    if secret.expires_at
                    else _("no expiry")
                )
                parts.append(f"{secret.preview} ({states[secret.state]}, {expiry})")
            recipe.secret_summary = ", ".join(parts) or _("no secret")

    @api.constrains("scheme", "active", "endpoint_id", *KEY_FIELD_NAMES)
    def _check_contract(self):
        """Refuse what the bridge's check-config refuses, naming the field."""
        now = fields.Datetime.now()
        for recipe in self.filtered("active"):
            secrets_live = recipe._live_secrets(now)
            problems = contract.recipe_problems(recipe._registry_recipe(now))
            if not secrets_live:
                # A recipe gets its keys once saved; until then the registry leaves it out.
                problems = [p for p in problems if contract.problem_setting(p) != ("secrets", None)]
            if problems:
                raise ValidationError(recipe._problems_text(problems, secrets_live))

    @api.model
    def _registry_fields(self):
        return {*KEY_FIELD_NAMES, "scheme", "active", "endpoint_id", "sequence"}

    @api.model
    def _scheme_label(self, scheme):
        return dict(self._fields["scheme"]._description_selection(self.env))[scheme]

    def _live_secrets(self, now):
        """The active secrets not expired at ``now``."""
        self.ensure_one()
        return self.secret_ids.filtered(
            lambda s: s.active and (not s.expires_at or s.expires_at > now)
        )

    def _is_usable(self, now):
        """True when the recipe can accept a request now: a live secret, or a JWKS."""
        self.ensure_one()
        return bool(self._live_secrets(now) or (self.uses_public_key and self.jwks_url))

    def _registry_recipe(self, now):
        """This recipe as the registry serves it: its scheme's keys and live secrets."""
        self.ensure_one()
        recipe = {"scheme": self.scheme}
        for key in SCHEME_KEYS[self.scheme]:
            name = _field_name(self.scheme, key)
            value = self[name]
            if value or self._fields[name].type in ("boolean", "integer"):
                recipe[key] = value
            elif key in NULLABLE_KEYS:
                recipe[key] = None
        recipe["secrets"] = [
            {
                "value": secret.value,
                "expires_at": secret.expires_at.replace(tzinfo=UTC).isoformat()
                if secret.expires_at
                else None,
            }
            for secret in self._live_secrets(now)
        ]
        return recipe

    @api.model
    def _values_from_registry(self, document):
        """Field values of a contract-normalised recipe (secrets aside)."""
        scheme = document["scheme"]
        values = {"scheme": scheme}
        for key in SCHEME_KEYS[scheme]:
            value = document.get(key)
            values[_field_name(scheme, key)] = False if value is None else value
        return values

    def _import_registry_recipe(self, values, secret_documents, now):
        """Write ``values`` and make the live secrets those of ``secret_documents``.

        Secrets no longer listed are archived before the settings change and new ones
        created after it, so every step is checked against settings they belong to.
        """
        self.ensure_one()
        expiries = {
            document["value"]: contract.naive_utc(document["expires_at"])
            for document in secret_documents
        }
        live = self._live_secrets(now)
        live.filtered(lambda s: s.value not in expiries).active = False
        if values:
            self.write(values)
        kept = live.filtered(lambda s: s.value in expiries)
        for secret in kept:
            if secret.expires_at != expiries[secret.value]:
                secret.expires_at = expiries[secret.value]
        self.env["logistics.auth.secret"].create(
            [
                {"recipe_id": self.id, "value": value, "expires_at": expires_at}
                for value, expires_at in expiries.items()
                if value not in set(kept.mapped("value"))
            ]
        )

    def _problems_text(self, problems, secrets_live):
        """A ValidationError text: the field (or the secret) of each problem, and why."""
        self.ensure_one()
        lines = []
        for problem in problems:
            key, index = contract.problem_setting(problem)
            message = problem.split(":", 1)[-1].strip()
            if key == "secrets" and index is not None and index < len(secrets_live):
                secret = secrets_live[index]
                where = _("Secret %(secret)s", secret=secret.label or secret.preview)
            else:
                field = self._fields.get(_field_name(self.scheme, key or ""))
                where = field.string if field else key
            lines.append(f"{where}: {message}")
        return _(
            "Recipe %(recipe)s of %(endpoint)s can never accept a request:\n%(problems)s",
            recipe=self.name,
            endpoint=self.endpoint_id.display_name,
            problems="\n".join(lines),
        )

    def _generate_secret_value(self):
        """A new random secret in the form this recipe reads."""
        self.ensure_one()
        if self.uses_public_key:
            raise UserError(
                _(
                    "%(recipe)s verifies with the provider's public key: paste it instead.",
                    recipe=self.name,
                )
            )
        encoding = {"standard-webhooks": "whsec"}.get(self.scheme)
        if self.scheme == "signature":
            encoding = self.key_encoding
        if encoding == "whsec":
            return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
        if encoding == "base64":
            return base64.b64encode(secrets.token_bytes(32)).decode()
        if encoding == "hex":
            return secrets.token_hex(32)
        if self.scheme == "basic":
            return f"{self.endpoint_id.code}:{secrets.token_urlsafe(24)}"
        return secrets.token_urlsafe(32)

    # Buttons

    def _secret_wizard_action(self, **defaults):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "logistics_inbound.logistics_auth_secret_wizard_action"
        )
        action["context"] = {f"default_{key}": value for key, value in defaults.items()}
        action["context"]["default_recipe_id"] = self.id
        return action

    def action_generate_secret(self):
        return self._secret_wizard_action(source="generate")

    def action_paste_secret(self):
        return self._secret_wizard_action(source="paste")

    def action_rotate_secret(self):
        return self._secret_wizard_action(
            source="paste" if self.uses_public_key else "generate", rotate=True
        )
