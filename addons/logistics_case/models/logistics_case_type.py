from odoo import _, api, fields, models

from odoo.addons.logistics_integration.validation import check_bounds

# Ten years: a due date further out means no due date, and a date Python can still compute.
MAX_SLA_HOURS = 24 * 3653


class LogisticsCaseType(models.Model):
    """A kind of service case (damage, loss, delay, refusal): who handles it and how fast."""

    _name = "logistics.case.type"
    _description = "Service Case Type"
    _inherit = ["logistics.customer.readable"]
    _order = "sequence, name"
    # Customers read a case's type by its wording; who handles it and how fast stay internal.
    _portal_fields = frozenset(
        {"display_name", "name", "sequence", "active", "customer_label", "status_label"}
    )

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Technical code, unique.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Owner",
        domain=[("share", "=", False)],
        help="Who handles cases of this type; empty: the responsible of the source endpoint "
        "(the same person who handles its failures), else the shipment's responsible.",
    )
    sla_hours = fields.Integer(
        string="Resolve Within (hours)",
        default=48,
        required=True,
        help="A case is due this many hours after it was opened.",
    )
    customer_label = fields.Char(
        required=True,
        translate=True,
        help="What the customer reads about a case of this type (portal and e-mails).",
    )
    status_label = fields.Char(
        string="Customer Status",
        translate=True,
        help="The customer's wording of an exception of this type: the shipment's status "
        "and its timeline line in the portal and the e-mails (e.g. 'Damage reported – we "
        "are on it'). Empty: the canonical exception's customer label.",
    )

    _sql_constraints = [
        ("code_unique", "unique(code)", "A case type code is unique."),
        ("sla_positive", "CHECK(sla_hours > 0)", "The resolution time must be positive."),
    ]

    @api.constrains("code")
    def _check_code(self):
        # A technical code in lower case: "Damage" or "damage " cannot sit beside "damage".
        for case_type in self:
            self.env["logistics.endpoint"]._assert_technical_code(case_type.code, _("Case type"))

    @api.constrains("sla_hours")
    def _check_sla_hours(self):
        check_bounds(self, {"sla_hours": (1, MAX_SLA_HOURS)})
