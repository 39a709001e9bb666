from odoo import _, api, fields, models

EXCEPTION_ACTIVITY = "logistics_inbound.mail_activity_type_shipment_exception"


class LogisticsShipment(models.Model):
    _inherit = "logistics.shipment"

    action_required = fields.Boolean(
        groups="base.group_user",
        compute="_compute_action_required",
        store=True,
        help="The shipment is held by an exception somebody must act on.",
    )

    @api.depends("state", "last_milestone_id", "milestone_ids.action_required")
    def _compute_action_required(self):
        for shipment in self:
            # Only an exception holds a shipment: the others skip reading their timeline.
            shipment.action_required = (
                shipment.state == "exception" and shipment._get_latest_exception().action_required
            )

    def _notify_exception(self, milestone):
        """Ask a person to handle an exception, with its reason, and announce it on the
        shipment with how to close it.

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
        self.message_post(
            body=_(
                "%(summary)s: activity for %(user)s. %(hint)s",
                summary=summary,
                user=user.name,
                hint=self._exception_handling_hint(milestone),
            )
        )
        return summary, user

    def _exception_handling_hint(self, milestone):
        """How the exception's activity is closed, as the shipment stands: the Resolve
        Exception button only shows while the exception holds the shipment for action
        (not once it is delivered, for instance)."""
        self.ensure_one()
        if self.action_required:
            return _("Click Resolve Exception once handled.")
        return _("Mark the activity done once handled.")

    def _get_exception_activity_type(self):
        """XML id of the activity type an exception is."""
        return EXCEPTION_ACTIVITY

    def _get_exception_assignee(self, endpoint):
        """The shipment's responsible, else the endpoint's responsible (or whoever
        records it, for an exception entered in Odoo), else an Integration
        Administrator: an active internal user who may open the shipment."""
        self.ensure_one()
        preferred = self.user_id | (endpoint.responsible_user_id if endpoint else self.env.user)
        return self.env["res.users"]._logistics_get_assignee(self, preferred)

    def _get_latest_exception(self):
        self.ensure_one()
        exceptions = self.milestone_ids.filtered(lambda m: m.category == "exception")
        return exceptions.sorted(lambda m: (m.event_time, m.id or 0))[-1:]

    def action_resolve_exception(self):
        """The exception was handled: it no longer holds the shipment for action."""
        self.check_access("write")
        for shipment in self.filtered("action_required"):
            shipment._get_latest_exception().sudo().action_required = False
            shipment.activity_feedback(
                [shipment._get_exception_activity_type()],
                feedback=_("Resolved by %(user)s", user=self.env.user.name),
            )
            shipment.message_post(
                body=_("Exception resolved by %(user)s.", user=self.env.user.name)
            )
        return True

    def action_reopen_exception(self):
        """The exception needs action again: flag it and ask a person once more."""
        self.check_access("write")
        for shipment in self.filtered(lambda s: s.state == "exception" and not s.action_required):
            milestone = shipment._get_latest_exception()
            milestone.sudo().action_required = True
            shipment.message_post(
                body=_("Exception reopened by %(user)s.", user=self.env.user.name)
            )
            shipment._notify_exception(milestone)
        return True
