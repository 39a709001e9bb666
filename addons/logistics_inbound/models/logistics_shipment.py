from odoo import _, models


class LogisticsShipment(models.Model):
    _inherit = "logistics.shipment"

    def _notify_exception(self, milestone):
        """Ask the shipment's responsible to handle an exception, with its reason."""
        self.ensure_one()
        reason = " / ".join(filter(None, [milestone.raw_code, milestone.raw_detail]))
        summary = (
            _("Action required: %(event)s", event=milestone.event_type_id.name)
            if milestone.action_required
            else _("Exception: %(event)s", event=milestone.event_type_id.name)
        )
        user = self.env["res.users"]._logistics_get_assignee(
            self, self.user_id | milestone.endpoint_id.responsible_user_id
        )
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=summary,
            note=_(
                "Reported by %(origin)s: %(reason)s at %(location)s.",
                origin=milestone.endpoint_id.name or _("Odoo"),
                reason=reason or milestone.event_type_id.name,
                location=milestone.location or _("unknown location"),
            ),
            user_id=user.id,
        )
