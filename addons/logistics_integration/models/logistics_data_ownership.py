from odoo import api, fields, models

SYSTEMS = [
    ("odoo", "Odoo"),
    ("tms", "Transport Management System"),
    ("carrier", "Carrier"),
    ("customer_portal", "Customer Portal"),
    ("finance", "Finance"),
]


class LogisticsDataOwnership(models.Model):
    """Which system is the record of truth for one data domain."""

    _name = "logistics.data.ownership"
    _description = "Data Ownership"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    domain = fields.Selection(
        selection=[
            ("orders", "Orders"),
            ("shipment_status", "Shipment Status"),
            ("planning_reference", "Planning References"),
            ("freight_charges", "Freight Charges"),
            ("invoice_release", "Invoice Release"),
            ("customer_communication", "Customer Communication"),
        ],
        required=True,
    )
    system_of_record = fields.Selection(selection=SYSTEMS, required=True)
    conflicting_edit_policy = fields.Selection(
        selection=[("refuse", "Refuse the edit"), ("flag", "Accept and flag for review")],
        required=True,
        default="refuse",
        help="What happens when a system that does not own the data changes it.",
    )
    notes = fields.Text()
    company_id = fields.Many2one(comodel_name="res.company", index=True)

    _sql_constraints = [
        (
            "domain_company_unique",
            "unique(domain, company_id)",
            "Each data domain has exactly one system of record per company.",
        ),
    ]

    @api.model
    def _get_owner(self, domain):
        """The ownership line for ``domain`` in the current company (or the global one)."""
        lines = self.sudo().search(
            [("domain", "=", domain), ("company_id", "in", [False, self.env.company.id])]
        )
        return lines.sorted(lambda line: not line.company_id)[:1]
