from odoo import Command, _, api, fields, models


class LogisticsShipment(models.Model):
    _inherit = "logistics.shipment"
    # The shipment's customer reads its service cases (see ``logistics.customer.readable``).
    _portal_fields = frozenset({"case_ids"})

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
        exception a case rule maps also opens (or adds to) a service case for its owner,
        and its activity on the shipment is done when the case is resolved."""
        activities = self._get_exception_activities()
        res = super()._notify_exception(milestone)
        case_type = self.env["logistics.case.rule"]._match(milestone)
        if case_type:
            case = self.env["logistics.case"]._open_for_exception(milestone, case_type)
            new = self._get_exception_activities() - activities
            case.sudo().exception_activity_ids = [Command.link(a.id) for a in new]
        return res

    def _get_exception_activities(self):
        self.ensure_one()
        activity_type = self.env.ref(self._get_exception_activity_type())
        return (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
        )

    def _exception_handling_hint(self, milestone):
        if self.env["logistics.case.rule"]._match(milestone):
            return _("A service case tracks it: resolving the case closes this activity.")
        return super()._exception_handling_hint(milestone)

    def action_view_cases(self):
        self.ensure_one()
        return self.case_ids._get_action(
            {"default_shipment_id": self.id}, [("shipment_id", "=", self.id)]
        )
