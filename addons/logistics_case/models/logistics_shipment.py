from odoo import api, fields, models


class LogisticsShipment(models.Model):
    _inherit = "logistics.shipment"

    case_ids = fields.One2many(
        comodel_name="logistics.case", inverse_name="shipment_id", string="Service Cases"
    )
    case_count = fields.Integer(compute="_compute_case_count")

    @api.depends("case_ids")
    def _compute_case_count(self):
        for shipment in self:
            shipment.case_count = len(shipment.case_ids)

    def _notify_exception(self, milestone):
        """The shipment's responsible hears of every exception, as without cases; an
        exception a case rule maps also opens (or adds to) a service case for its owner."""
        res = super()._notify_exception(milestone)
        case_type = self.env["logistics.case.rule"]._match(milestone)
        if case_type:
            self.env["logistics.case"]._open_for_exception(milestone, case_type)
        return res

    def action_view_cases(self):
        self.ensure_one()
        return self.case_ids._get_action(
            {"default_shipment_id": self.id}, [("shipment_id", "=", self.id)]
        )
