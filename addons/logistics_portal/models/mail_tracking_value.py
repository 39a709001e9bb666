from odoo import models


class MailTrackingValue(models.Model):
    _inherit = "mail.tracking.value"

    def _filter_has_field_access(self, env):
        """A customer sees in the chatter the changes of customer-safe fields only
        (see ``logistics.customer.readable``)."""
        trackings = super()._filter_has_field_access(env)
        if env.su or not env.user.share:
            return trackings
        readable = env.registry["logistics.customer.readable"]

        def customer_safe(tracking):
            model = env[tracking.field_id.model]
            return not isinstance(model, readable) or (
                tracking.field_id.name in model._get_portal_fields()
            )

        return trackings.filtered(customer_safe)
