from odoo import api, fields, models


class LogisticsMilestone(models.Model):
    _inherit = "logistics.milestone"

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
