from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.logistics_integration.validation import check_bounds

GENERATED_VALIDITY_DAYS = 365
DEFAULT_OVERLAP_DAYS = 7


class LogisticsAuthSecretWizard(models.TransientModel):
    """Give a recipe a secret: generated here and shown once, or pasted from the source.

    A rotation adds the new secret and lets the recipe's current one expire after an
    overlap, so requests signed with either pass while the source moves to the new one.
    """

    _name = "logistics.auth.secret.wizard"
    _description = "Add or Rotate an Inbound Secret"
    _order = "id desc"

    recipe_id = fields.Many2one(
        comodel_name="logistics.auth.recipe", required=True, ondelete="cascade"
    )
    source = fields.Selection(
        selection=[("generate", "Generate"), ("paste", "Paste")],
        required=True,
        default="generate",
    )
    rotate = fields.Boolean(
        help="The recipe's current secret expires after the overlap instead of staying."
    )
    overlap_days = fields.Integer(
        default=DEFAULT_OVERLAP_DAYS,
        help="Days during which the current secret keeps working beside the new one.",
    )
    label = fields.Char(help="Where the secret comes from or who holds it.")
    value = fields.Text(
        help="Paste: the secret as the source gives it (a PEM public key for public-key "
        "recipes). Generate: the new secret, shown once."
    )
    expires_at = fields.Datetime(help="Empty: no expiry.")
    state = fields.Selection(
        selection=[("draft", "Draft"), ("done", "Done")], default="draft", required=True
    )
    secret_id = fields.Many2one(comodel_name="logistics.auth.secret", readonly=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if values.get("source", "generate") == "generate" and "expires_at" in fields_list:
            values.setdefault(
                "expires_at", fields.Datetime.now() + timedelta(days=GENERATED_VALIDITY_DAYS)
            )
        return values

    @api.constrains("overlap_days")
    def _check_overlap_days(self):
        # Past a generated secret's validity the old secret would outlive the new one.
        check_bounds(self, {"overlap_days": (0, GENERATED_VALIDITY_DAYS)})

    def action_confirm(self):
        """Store the secret (ending the current one's life on a rotation); show a
        generated value once."""
        self.ensure_one()
        now = fields.Datetime.now()
        if self.expires_at and self.expires_at <= now:
            raise UserError(_("The expiry must be in the future."))
        if self.source == "paste" and not self.value:
            raise UserError(_("Paste the secret first."))
        if self.rotate:
            self._shorten_current_secrets(now)
        value = self.value if self.source == "paste" else self.recipe_id._generate_secret_value()
        secret = self.env["logistics.auth.secret"].create(
            {
                "recipe_id": self.recipe_id.id,
                "label": self.label,
                "value": value,
                "expires_at": self.expires_at,
            }
        )
        if self.source == "paste":
            self.value = False
            return {"type": "ir.actions.act_window_close"}
        self.write({"value": value, "state": "done", "secret_id": secret.id})
        return {
            "type": "ir.actions.act_window",
            "name": _("New secret"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_done(self):
        """The value was copied: it is not kept here any longer."""
        self.write({"value": False})
        return {"type": "ir.actions.act_window_close"}

    def _shorten_current_secrets(self, now):
        live = self.recipe_id._live_secrets(now)
        if len(live) > 1:
            raise UserError(
                _(
                    "%(recipe)s already has two live secrets: a rotation is under way. "
                    "Archive one, or wait until it expires.",
                    recipe=self.recipe_id.name,
                )
            )
        overlap_end = now + timedelta(days=self.overlap_days)
        live.filtered(
            lambda s: not s.expires_at or s.expires_at > overlap_end
        ).expires_at = overlap_end
