from odoo import models

from .logistics_change_request import APPLY_CONTEXT


class Base(models.AbstractModel):
    """Writes of governed fields by people wait for approval (see
    ``logistics.change.model``); the system's own code running as superuser,
    module installs and upgrades, and applying an approved change write at once."""

    _inherit = "base"

    def write(self, vals):
        if (
            not self
            or self.env.su
            or self.pool._init
            or self.env.context.get(APPLY_CONTEXT)
            or "logistics.change.model" not in self.env
        ):
            return super().write(vals)
        rule = self.env["logistics.change.model"]._get_approval_rule(self._name)
        if not rule:
            return super().write(vals)
        field_names, domain = rule
        held, rest = self.env["logistics.change.request"]._hold_for_approval(
            self, vals, field_names, self.env["logistics.change.model"]._eval_domain(domain)
        )
        if not held:
            return super().write(vals)
        free = self - held
        if free:
            super(Base, free).write(vals)
        if rest:
            super(Base, held).write(rest)
        return True
