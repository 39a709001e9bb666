from odoo import api, models

from .logistics_change_request import APPLY_CONTEXT

#: Context key of the creation of a governed record: the lines created with it
#: (its one2many values, a copy's lines) are part of that creation, not held.
CREATING_CONTEXT = "logistics_change_creating"


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
            or self.env.context.get(CREATING_CONTEXT)
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
        if not rule:
            return super().create(vals_list)
        field_names, domain, create_unlink = rule
        if create_unlink:
            # a request is only for those who may create: others get the AccessError
            self.check_access("create")
            requests = self.env["logistics.change.request"]
            vals_list = [
                vals
                for vals in vals_list
                if not requests._hold_creation(self, vals, field_names, domain)
            ]
        if not vals_list:
            return self.browse()
        creating = self.with_context(**{CREATING_CONTEXT: True})
        return super(Base, creating).create(vals_list).with_env(self.env)

    def write(self, vals):
        rule = self._logistics_approval_rule() if self else None
        if not rule:
            return super().write(vals)
        field_names, domain, _create_unlink = rule
        self.check_access("write")
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
        self.check_access("unlink")
        held = self.env["logistics.change.request"]._hold_deletion(self, field_names, domain)
        free = self - held
        return super(Base, free).unlink() if free else True
