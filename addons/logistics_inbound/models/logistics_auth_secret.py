from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

EXPIRY_WARNING_DAYS = 14
MAX_LIVE_SECRETS = 2
PEM_END = "-----END"


def mask(value):
    """What may be shown of a secret: its last 4 characters (of a PEM key, of its body)."""
    text = (value or "").strip()
    if PEM_END in text:
        text = "".join(text.split(PEM_END)[0].split())
    return f"…{text[-4:]}" if text else ""


class LogisticsAuthSecret(models.Model):
    """One secret of a recipe: a key, a token, ``user:password`` or a PEM public key.

    The value is readable by Integration Administrators and the bridge only and is never
    shown in a view: the wizard that generates or takes it shows it once. A secret stops
    being used at its expiry; two may be live at once, the old one expiring soon, while a
    source moves to the new one.
    """

    _name = "logistics.auth.secret"
    _description = "Inbound Authentication Secret"
    _order = "recipe_id, expires_at desc, id desc"
    _rec_name = "label"
    _inherit = ["logistics.registry.source"]

    recipe_id = fields.Many2one(
        comodel_name="logistics.auth.recipe", required=True, ondelete="cascade", index=True
    )
    endpoint_id = fields.Many2one(related="recipe_id.endpoint_id")
    company_id = fields.Many2one(related="recipe_id.company_id", store=True, index=True)
    label = fields.Char()
    value = fields.Text(
        required=True,
        copy=False,
        groups="logistics_integration.group_integration_admin,"
        "logistics_inbound.group_logistics_bridge",
    )
    preview = fields.Char(compute="_compute_preview", store=True)
    expires_at = fields.Datetime(help="Not used from this moment on. Empty: no expiry.")
    active = fields.Boolean(default=True)
    state = fields.Selection(
        selection=[
            ("active", "Active"),
            ("expiring", "Expiring within 14 days"),
            ("expired", "Expired"),
        ],
        compute="_compute_state",
    )

    @api.depends("value")
    def _compute_preview(self):
        for secret in self:
            secret.preview = mask(secret.value)

    @api.depends("expires_at")
    def _compute_state(self):
        now = fields.Datetime.now()
        soon = now + timedelta(days=EXPIRY_WARNING_DAYS)
        for secret in self:
            if secret.expires_at and secret.expires_at <= now:
                secret.state = "expired"
            elif secret.expires_at and secret.expires_at <= soon:
                secret.state = "expiring"
            else:
                secret.state = "active"

    @api.constrains("value", "expires_at", "active", "recipe_id")
    def _check_recipe(self):
        """At most two live secrets per recipe; each usable by the recipe as it stands."""
        now = fields.Datetime.now()
        for recipe in self.recipe_id:
            if len(recipe._live_secrets(now)) > MAX_LIVE_SECRETS:
                raise ValidationError(
                    _(
                        "Recipe %(recipe)s of %(endpoint)s would have more than two live "
                        "secrets: let one expire or archive it first.",
                        recipe=recipe.name,
                        endpoint=recipe.endpoint_id.display_name,
                    )
                )
        self.recipe_id._check_contract()

    @api.model
    def _registry_fields(self):
        return {"value", "expires_at", "active", "recipe_id"}
