from odoo import _, models


class LogisticsShipment(models.Model):
    _inherit = "logistics.shipment"

    def _notify_exception(self, milestone):
        """Ask a person to handle an exception, with its reason.

        Returns the activity's summary and the user asked, for the addons that
        say more about it on the shipment.
        """
        self.ensure_one()
        reason = " / ".join(filter(None, [milestone.raw_code, milestone.raw_detail]))
        summary = (
            _("Action required: %(event)s", event=milestone.event_type_id.name)
            if milestone.action_required
            else _("Exception: %(event)s", event=milestone.event_type_id.name)
        )
        user = self._get_exception_assignee(milestone.endpoint_id)
        self.activity_schedule(
            self._get_exception_activity_type(),
            summary=summary,
            note=_(
                "Reported by %(origin)s: %(reason)s at %(location)s.",
                origin=milestone.endpoint_id.name or _("Odoo"),
                reason=reason or milestone.event_type_id.name,
                location=milestone.location or _("unknown location"),
            ),
            user_id=user.id,
        )
        return summary, user

    def _get_exception_activity_type(self):
        """XML id of the activity type an exception is (a plain to-do here)."""
        return "mail.mail_activity_data_todo"

    def _get_exception_assignee(self, endpoint):
        """The shipment's responsible, else the endpoint's responsible (or whoever
        records it, for an exception entered in Odoo), else an Integration
        Administrator: an active internal user who may open the shipment."""
        self.ensure_one()
        preferred = self.user_id | (endpoint.responsible_user_id if endpoint else self.env.user)
        return self.env["res.users"]._logistics_get_assignee(self, preferred)
