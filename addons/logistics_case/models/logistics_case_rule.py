from odoo import api, fields, models


class LogisticsCaseRule(models.Model):
    """Which exceptions of which source open which kind of case.

    A rule matches an exception milestone by the source's raw status code and,
    optionally, its detail; a rule naming an endpoint is for that source only
    and wins over a rule for every source. Exceptions no rule matches stay an
    activity on the shipment, as without this addon.
    """

    _name = "logistics.case.rule"
    _description = "Service Case Rule"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    endpoint_id = fields.Many2one(
        comodel_name="logistics.endpoint",
        string="Source",
        ondelete="cascade",
        help="Empty: any source.",
    )
    company_id = fields.Many2one(related="endpoint_id.company_id", store=True, index=True)
    raw_code = fields.Char(
        required=True, help="Status code exactly as the source sends it (e.g. X12 A9)."
    )
    raw_detail = fields.Char(help="Detail or reason code; empty: any.")
    case_type_id = fields.Many2one(
        comodel_name="logistics.case.type", required=True, ondelete="cascade"
    )
    active = fields.Boolean(default=True)

    @api.model
    def _match(self, milestone):
        """The case type for ``milestone``, or an empty recordset."""
        candidates = self.sudo().search(
            [
                ("raw_code", "=", milestone.raw_code),
                ("endpoint_id", "in", [milestone.endpoint_id.id, False]),
                ("raw_detail", "in", [milestone.raw_detail or False, False]),
            ]
        )
        best = candidates.sorted(
            lambda rule: (not rule.endpoint_id, not rule.raw_detail, rule.sequence, rule.id)
        )[:1]
        return best.case_type_id
