from odoo import api, fields, models


class LogisticsFreightCharge(models.Model):
    """A freight charge line: what was expected against what the carrier billed."""

    _name = "logistics.freight.charge"
    _description = "Freight Charge"
    _order = "shipment_id, sequence, id"

    sequence = fields.Integer(default=10)
    shipment_id = fields.Many2one(
        comodel_name="logistics.shipment", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="shipment_id.company_id", store=True, index=True)
    name = fields.Char(string="Description")
    charge_type = fields.Selection(
        selection=[
            ("base_freight", "Base Freight"),
            ("fuel_surcharge", "Fuel Surcharge"),
            ("accessorial", "Accessorial"),
            ("other", "Other"),
        ],
        required=True,
        default="base_freight",
    )
    currency_id = fields.Many2one(
        comodel_name="res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    expected_amount = fields.Monetary(help="From the sale order's delivery line or rating.")
    actual_amount = fields.Monetary(help="As billed by the TMS or carrier.")
    has_actual = fields.Boolean(
        string="Actual Received", help="Whether the final amount has been reported."
    )
    variance = fields.Monetary(compute="_compute_variance", store=True)
    variance_percent = fields.Float(compute="_compute_variance", store=True)
    variance_percent_label = fields.Char(
        string="Variance %",
        compute="_compute_variance_percent_label",
        help="The variance in percent of the expected amount, signed: + billed more.",
    )
    external_charge_id = fields.Char(index=True, copy=False)

    _sql_constraints = [
        (
            "external_charge_unique",
            "unique(shipment_id, external_charge_id)",
            "This charge line was already reported for the shipment.",
        ),
    ]

    @api.depends("shipment_id.name", "charge_type", "name", "external_charge_id")
    def _compute_display_name(self):
        types = dict(self._fields["charge_type"]._description_selection(self.env))
        for charge in self:
            parts = [
                charge.shipment_id.name,
                types.get(charge.charge_type),
                charge.name or charge.external_charge_id,
            ]
            charge.display_name = " · ".join(part for part in parts if part)

    @api.depends("variance_percent", "has_actual", "expected_amount")
    def _compute_variance_percent_label(self):
        for charge in self:
            if not charge.has_actual or not charge.expected_amount:
                charge.variance_percent_label = False
            else:
                charge.variance_percent_label = f"{charge.variance_percent:+.1f} %"

    @api.depends("expected_amount", "actual_amount", "has_actual")
    def _compute_variance(self):
        for charge in self:
            if not charge.has_actual:
                charge.variance = 0.0
                charge.variance_percent = 0.0
                continue
            charge.variance = charge.actual_amount - charge.expected_amount
            charge.variance_percent = (
                100.0 * charge.variance / charge.expected_amount if charge.expected_amount else 0.0
            )
