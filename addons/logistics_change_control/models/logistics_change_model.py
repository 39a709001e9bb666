from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import safe_eval

from ..bundle import PLAIN_TYPES, RELATION_TYPES, SECRET_NAME_PARTS, SKIPPED_COLUMNS


def _split(names):
    return [name.strip() for name in (names or "").split(",") if name.strip()]


class LogisticsChangeModel(models.Model):
    """One model under change control: how its records travel in a configuration
    bundle (natural key, fields left out) and which of its fields only change
    once a second Integration Administrator approved.

    Rows name models by their technical name, so a row may name a model of an
    addon that is not installed: bundles skip it with a note. An addon adds its
    own models with a data record of this model (or an administrator adds one).
    """

    _name = "logistics.change.model"
    _inherit = ["logistics.cached.config.mixin"]
    _description = "Model under Change Control"
    _order = "sequence, id"

    sequence = fields.Integer(
        default=10, help="Bundles list and apply models in this order (referenced ones first)."
    )
    model = fields.Char(required=True, help="Technical name, e.g. logistics.endpoint.")
    name = fields.Char(compute="_compute_name")
    installed = fields.Boolean(compute="_compute_name")
    active = fields.Boolean(default=True)
    bundled = fields.Boolean(
        default=True, help="Exported in configuration bundles and matched on import."
    )
    key_fields = fields.Char(
        required=True,
        help="Comma-separated fields that identify a record across databases when it "
        "has no xml id (references are matched by their own keys).",
    )
    excluded_fields = fields.Char(
        help="Comma-separated fields a bundle leaves out besides secrets, the company, "
        "read-only and computed fields."
    )
    approval_fields = fields.Char(
        help="Comma-separated fields whose change waits for a second Integration "
        "Administrator's approval; * for every field a bundle carries; empty: none."
    )
    approval_domain = fields.Char(
        default="[]",
        help="Only records matching this domain wait for approval, e.g. active profiles.",
    )
    approval_create_unlink = fields.Boolean(
        string="Additions and Deletions Wait",
        help="Creating or deleting a record that matches the approval domain waits for "
        "a second Integration Administrator's approval too, e.g. a status mapping "
        "added to or deleted from an active profile.",
    )

    _sql_constraints = [
        ("model_unique", "unique(model)", "A model is under change control once."),
    ]

    @api.depends("model")
    def _compute_name(self):
        for row in self:
            installed = bool(row.model) and row.model in self.env
            row.installed = installed
            row.name = (
                self.env[row.model]._description
                if installed
                else _("%(model)s (not installed)", model=row.model)
            )

    @api.constrains("model", "key_fields", "approval_fields", "approval_domain")
    def _check_fields(self):
        for row in self.filtered("installed"):
            model = self.env[row.model]
            named = row._get_key_fields() + [
                name for name in _split(row.approval_fields) if name != "*"
            ]
            unknown = [name for name in named if name not in model._fields]
            if unknown:
                raise ValidationError(
                    _(
                        "Model %(model)s has no field %(fields)s.",
                        model=row.model,
                        fields=", ".join(unknown),
                    )
                )
            try:
                model.with_context(active_test=False).search_count(
                    row._get_approval_domain(), limit=1
                )
            except Exception as err:
                raise ValidationError(
                    _("Approval domain of %(model)s: %(error)s", model=row.model, error=err)
                ) from err

    def _get_key_fields(self):
        self.ensure_one()
        return _split(self.key_fields)

    def _get_excluded_fields(self):
        self.ensure_one()
        return _split(self.excluded_fields)

    def _get_approval_domain(self):
        self.ensure_one()
        return self._eval_domain(self.approval_domain)

    @api.model
    def _eval_domain(self, domain):
        return safe_eval(domain or "[]")

    def _get_bundled_fields(self):
        """Fields of the model a bundle carries, sorted: stored fields a person
        sets, of plain and relation types, except the company (the bundle's
        scope), fields restricted to a group and secret-like names (secrets
        never travel) and this row's exclusions."""
        self.ensure_one()
        excluded = set(self._get_excluded_fields())
        names = []
        for name, field in self.env[self.model]._fields.items():
            if (
                name in SKIPPED_COLUMNS
                or name == "company_id"
                or name in excluded
                or not field.store
                or field.readonly
                or field.groups
                or field.type not in PLAIN_TYPES | RELATION_TYPES
                or name.startswith(("message_", "activity_"))
                or any(part in name for part in SECRET_NAME_PARTS)
            ):
                continue
            names.append(name)
        return sorted(names)

    def _get_approval_field_names(self):
        self.ensure_one()
        names = _split(self.approval_fields)
        return self._get_bundled_fields() if "*" in names else names

    @api.model
    def _get_specs(self):
        """{model name: row} of the installed bundled models, in bundle order."""
        rows = self.sudo().search([("bundled", "=", True)])
        return {row.model: row for row in rows if row.installed}

    @api.model
    @tools.ormcache("model_name")
    def _get_approval_rule(self, model_name):
        """(field names, domain, additions and deletions held) of ``model_name``: the
        fields whose changes wait for approval, or None; cached per registry,
        cleared when a row changes."""
        row = self.sudo().search([("model", "=", model_name)], limit=1)
        if not row or not row.approval_fields:
            return None
        return (
            tuple(row._get_approval_field_names()),
            row.approval_domain or "[]",
            row.approval_create_unlink,
        )
