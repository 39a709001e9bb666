from odoo import api, fields, models

MATCH_STATES = [
    ("matched", "Matches Approved"),
    ("accepted", "Variance Accepted"),
    ("mismatch", "Held"),
    ("unmatched", "Unknown Shipment"),
]
#: Line outcomes that let the bill be posted and paid.
PAYABLE_MATCH_STATES = ("matched", "accepted")
#: Changing these on a carrier bill line asks the settlement batch to match it again.
MATCHED_FIELDS = ("logistics_shipment_ref", "logistics_charge_type", "price_unit", "quantity")
SETTLEMENT_WRITE_CONTEXT = "logistics_settlement_write"


class AccountMoveLine(models.Model):
    """A carrier bill line names the shipment it bills and the charge type."""

    _inherit = "account.move.line"

    logistics_shipment_ref = fields.Char(
        string="Shipment Reference",
        index="btree_not_null",
        copy=False,
        help="The shipment's reference, its TMS planning reference or its tracking "
        "reference, as the carrier prints it on the freight bill.",
    )
    logistics_charge_type = fields.Selection(
        selection=lambda self: (
            self.env["logistics.freight.charge"]
            ._fields["charge_type"]
            ._description_selection(self.env)
        ),
        string="Freight Charge Type",
    )
    logistics_shipment_id = fields.Many2one(
        comodel_name="logistics.shipment", string="Shipment", readonly=True, copy=False
    )
    logistics_charge_ids = fields.One2many(
        comodel_name="logistics.freight.charge",
        inverse_name="bill_line_id",
        string="Settled Charges",
        readonly=True,
    )
    logistics_match_state = fields.Selection(
        selection=MATCH_STATES,
        string="Settlement",
        readonly=True,
        copy=False,
        index=True,
    )
    logistics_match_note = fields.Char(string="Settlement Note", readonly=True, copy=False)
    logistics_variance_reason = fields.Text(
        string="Variance Accepted Because",
        readonly=True,
        copy=False,
        help="Why the freight auditor accepted the difference to the approved freight.",
    )
    logistics_approved_amount = fields.Monetary(
        string="Approved Freight",
        readonly=True,
        copy=False,
        currency_field="currency_id",
        help="The approved actual freight of the charges this line bills, in the bill's currency.",
    )

    def write(self, vals):
        if self.env.context.get(SETTLEMENT_WRITE_CONTEXT) or not any(
            name in vals for name in MATCHED_FIELDS
        ):
            return super().write(vals)
        carrier_lines = self.filtered("logistics_match_state")
        result = super().write(vals)
        if carrier_lines:
            carrier_lines._logistics_reset_match()
        return result

    def _logistics_reset_match(self):
        """Forget a match: the line waits for the next settlement run."""
        self.logistics_charge_ids.write({"bill_line_id": False})
        self.with_context(**{SETTLEMENT_WRITE_CONTEXT: True}).write(
            {
                "logistics_match_state": False,
                "logistics_match_note": False,
                "logistics_shipment_id": False,
                "logistics_approved_amount": 0.0,
                "logistics_variance_reason": False,
            }
        )

    def _logistics_match_key(self):
        """Lines billing the same charge type of the same shipment are matched together."""
        self.ensure_one()
        return (self.logistics_shipment_ref.strip(), self.logistics_charge_type or "base_freight")

    def _logistics_held(self):
        return self.filtered(lambda line: line.logistics_match_state in ("mismatch", "unmatched"))

    @api.model
    def _logistics_find_shipment(self, reference, company):
        """The shipment a carrier names: by reference, TMS reference or tracking number."""
        return self.env["logistics.shipment"].search(
            [
                ("company_id", "=", company.id),
                "|",
                "|",
                ("name", "=", reference),
                ("tms_reference", "=", reference),
                ("picking_id.carrier_tracking_ref", "=", reference),
            ],
            limit=1,
        )
