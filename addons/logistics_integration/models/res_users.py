from odoo import api, models

INTEGRATION_ADMIN_GROUP = "logistics_integration.group_integration_admin"


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model
    def _logistics_get_assignee(
        self, record, preferred=None, group=INTEGRATION_ADMIN_GROUP, company=None
    ):
        """Who is asked to act on ``record``: the one rule behind every logistics activity.

        The first of ``preferred`` (users in order of preference, e.g. the
        record's responsible, then the endpoint's) who is active, internal and
        may open ``record``; else such a member of ``group`` (Integration
        Administrators unless the caller needs another role) in ``company``
        (default: the record's), the administrator account first; else the
        current user, so a problem is never left without an owner.
        """
        record.ensure_one()
        if company is None:
            company = record.company_id if "company_id" in record._fields else self.env.company

        def may_act(user):
            if not user.active or user.share:
                return False
            as_user = record.with_user(user).with_context(allowed_company_ids=user.company_ids.ids)
            return as_user.has_access("read")

        for user in preferred or ():
            if user and may_act(user):
                return user
        members = (
            self.env.ref(group)
            .sudo()
            .users.filtered(lambda u: (not company or company in u.company_ids) and may_act(u))
        )
        admin = self.env.ref("base.user_admin", raise_if_not_found=False)
        if admin and admin in members:
            return admin
        return members[:1] or self.env.user
