import uuid

from odoo import _, api, fields, models

CUSTOMER_REPLY_ACTIVITY = "logistics_portal.mail_activity_type_customer_reply"


class LogisticsCustomerThread(models.AbstractModel):
    """A record the customer follows in the portal and replies on (shipments, cases).

    Its page is its ``access_url``; e-mails about it carry Odoo's portal link. A
    customer's reply (portal chatter or an answer to an e-mail) becomes an activity
    of whoever handles the record, and its author follows the discussion so the
    answer reaches them.

    The mixin is a mail.thread itself and comes first in the model's ``_inherit``, so its
    hooks run before mail.thread's (which call no further) without any code in the model.
    """

    _name = "logistics.customer.thread"
    _description = "Logistics record discussed with the customer"
    _inherit = ["mail.thread", "portal.mixin", "logistics.customer.readable"]
    _portal_fields = frozenset({"display_name", "access_url"})

    # Given at creation, not by the first e-mail's portal link: a customer update job
    # writing it would collide with the ingestion of the record's next milestones.
    access_token = fields.Char(default=lambda self: str(uuid.uuid4()))

    @api.model
    def _get_thread_with_access(self, thread_id, mode="read", **kwargs):
        """Customers (portal users) post on what they may read (their own records, by
        the record rules); the company's users still need write access, as for any
        record."""
        if mode == "write" and self.env.user.share:
            mode = "read"
        return super()._get_thread_with_access(thread_id, mode, **kwargs)

    def _message_post_after_hook(self, message, msg_vals):
        res = super()._message_post_after_hook(message, msg_vals)
        self._on_customer_reply(message)
        return res

    def _on_customer_reply(self, message):
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
