import uuid

from odoo import _, api, fields, models

CUSTOMER_REPLY_ACTIVITY = "logistics_portal.mail_activity_type_customer_reply"


class LogisticsCustomerThread(models.AbstractModel):
    """A record the customer follows in the portal and replies on (shipments, cases).

    Its page is its ``access_url``; e-mails about it carry Odoo's portal link. A
    customer's reply (portal chatter or an answer to an e-mail) becomes an activity
    of whoever handles the record, and its author follows the discussion so the
    answer reaches them.

    mail.thread comes before this mixin in the model's bases and its methods do not
    call further, so the model itself calls ``_on_customer_reply`` from
    ``_message_post_after_hook`` and ``_customer_thread_mode`` from
    ``_get_thread_with_access``.
    """

    _name = "logistics.customer.thread"
    _description = "Logistics record discussed with the customer"
    _inherit = ["portal.mixin", "logistics.customer.readable"]
    _portal_fields = frozenset({"display_name", "access_url"})

    # Given at creation, not by the first e-mail's portal link: a customer update job
    # writing it would collide with the ingestion of the record's next milestones.
    access_token = fields.Char(default=lambda self: str(uuid.uuid4()))

    @api.model
    def _customer_thread_mode(self, mode):
        """The access a user needs on the record for ``mode``: customers (portal users)
        post on what they may read (their own records, by the record rules), the
        company's users still need write access, as for any record."""
        return "read" if mode == "write" and self.env.user.share else mode

    def _on_customer_reply(self, message):
        """Call from the model's ``_message_post_after_hook`` (mail.thread's, earlier in
        the model's bases than this mixin, does not call further)."""
        if not self._is_customer_reply(message):
            return
        record = self.sudo()
        record.message_subscribe(
            partner_ids=message.author_id.ids,
            subtype_ids=self.env.ref("mail.mt_comment").ids,
        )
        activity_type = self.env.ref(CUSTOMER_REPLY_ACTIVITY, raise_if_not_found=False)
        if not activity_type or record.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        ):
            return
        record.activity_schedule(
            CUSTOMER_REPLY_ACTIVITY,
            summary=_("%(customer)s replied", customer=message.author_id.display_name),
            note=message.body,
            user_id=record._get_customer_reply_assignee().id,
        )

    def _is_customer_reply(self, message):
        """A discussion message (portal chatter, e-mail) from a contact of the
        record's customer, not from a user of the company."""
        self.ensure_one()
        author = message.author_id
        if not author or message.is_internal:
            return False
        if message.subtype_id != self.env.ref("mail.mt_comment"):
            return False
        if author.user_ids.filtered(lambda user: not user.share):
            return False
        return author.commercial_partner_id == self.commercial_partner_id

    def _get_customer_reply_assignee(self):
        """Who answers the customer: the record's responsible, else an Integration
        Administrator (see ``res.users._logistics_get_assignee``)."""
        self.ensure_one()
        return self.env["res.users"]._logistics_get_assignee(self, self.user_id)
