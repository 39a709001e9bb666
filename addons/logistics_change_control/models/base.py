from odoo import api, models

from .logistics_change_request import APPLY_CONTEXT


class Base(models.AbstractModel):
    """Writes of governed fields by people wait for approval (see
    ``logistics.change.model``), and so do creations and deletions where the
    model's row says so; the system's own code running as superuser, module
    installs and upgrades, and applying an approved change act at once."""

    _inherit = "base"

    def _logistics_approval_rule(self):
        """(field names, domain, additions and deletions held) of this model when a
        person's change waits for approval here, else None."""
        if (
            self.env.su
            or self.pool._init
            or self.env.context.get(APPLY_CONTEXT)
            or "logistics.change.model" not in self.env
        ):
            return None
        change_models = self.env["logistics.change.model"]
        rule = change_models._get_approval_rule(self._name)
        if not rule:
            return None
        field_names, domain, create_unlink = rule
        return field_names, change_models._eval_domain(domain), create_unlink

    @api.model_create_multi
    def create(self, vals_list):
        rule = self._logistics_approval_rule()
        if not rule or not rule[2]:
            return super().create(vals_list)
        field_names, domain, _create_unlink = rule
        requests = self.env["logistics.change.request"]
        free = [
            vals
            for vals in vals_list
            if not requests._hold_creation(self, vals, field_names, domain)
        ]
        return super().create(free) if free else self.browse()

    def write(self, vals):
        rule = self._logistics_approval_rule() if self else None
        if not rule:
            return super().write(vals)
        field_names, domain, _create_unlink = rule
        held, rest = self.env["logistics.change.request"]._hold_for_approval(
            self, vals, field_names, domain
        )
        if not held:
            return super().write(vals)
        free = self - held
        if free:
            super(Base, free).write(vals)
        if rest:
            super(Base, held).write(rest)
        return True

    def unlink(self):
        rule = self._logistics_approval_rule() if self else None
        if not rule or not rule[2]:
            return super().unlink()
        field_names, domain, _create_unlink = rule
        held = self.env["logistics.change.request"]._hold_deletion(self, field_names, domain)
        free = self - held
        return super(Base, free).unlink() if free else True
