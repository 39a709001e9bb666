from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError

from ..masking import MaskingRule


class LogisticsMaskingRule(models.Model):
    """A company's rule for hiding personal or secret data in stored payloads."""

    _name = "logistics.masking.rule"
    _inherit = ["logistics.cached.config.mixin"]
    _description = "Payload Masking Rule"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    name = fields.Char(required=True)
    key_pattern = fields.Char(
        required=True,
        help="Key name to match anywhere in a payload; shell wildcards allowed, "
        "case-insensitive (e.g. *email*).",
    )
    method = fields.Selection(
        selection=[
            ("redact", "Replace with ***"),
            ("partial", "Keep a hint (first letter of an e-mail, last 4 characters)"),
            ("hash", "Replace with a short hash"),
            ("drop", "Remove the key"),
        ],
        required=True,
        default="redact",
    )
    apply_to_log = fields.Boolean(
        string="Integration Log", default=True, help="Mask payloads stored in the log."
    )
    apply_to_customer = fields.Boolean(
        string="Customer-facing",
        default=True,
        help="Mask payloads sent to customer-facing systems.",
    )
    company_id = fields.Many2one(comodel_name="res.company", index=True)
    active = fields.Boolean(default=True)

    @api.constrains("key_pattern")
    def _check_key_pattern(self):
        # Key names carry no blanks: "*email* " would silently leave e-mails unmasked.
        for rule in self:
            if not rule.key_pattern.strip() or rule.key_pattern != rule.key_pattern.strip():
                raise ValidationError(
                    _(
                        "Key Pattern %(pattern)r: remove the blanks around it; it is matched "
                        "against key names exactly.",
                        pattern=rule.key_pattern,
                    )
                )

    @api.model
    def _get_rules(self, scope="log"):
        """Rules in force for the current company, as plain MaskingRule objects."""
        return self._get_company_rules(self.env.company.id, scope)

    # Read for every log record and portal event written: kept per worker until a rule
    # changes, instead of a query per exchange.
    @api.model
    @tools.ormcache("company_id", "scope")
    def _get_company_rules(self, company_id, scope):
        field_name = "apply_to_customer" if scope == "customer" else "apply_to_log"
        records = (
            self.sudo()
            .with_context(active_test=True)
            .search(
                [
                    (field_name, "=", True),
                    ("company_id", "in", [False, company_id]),
                ]
            )
        )
        return tuple(MaskingRule(r.key_pattern, r.method) for r in records)
