from odoo import api, fields, models


class LogisticsMilestone(models.Model):
    _name = "logistics.milestone"
    _inherit = ["logistics.milestone", "logistics.customer.readable"]
    # The timeline as the customer reads it; the canonical event only orders it.
    _portal_fields = frozenset(
        {
            "shipment_id",
            "event_type_id",
            "event_time",
            "location",
            "customer_visible",
            "customer_label",
        }
    )

    customer_notified = fields.Boolean(
        groups="base.group_user",
        readonly=True,
        copy=False,
        help="The customer was told about this milestone by e-mail.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        milestones = super().create(vals_list)
        visible = milestones.filtered("customer_visible")
        visible.shipment_id._notify_customer(visible)
        return milestones
