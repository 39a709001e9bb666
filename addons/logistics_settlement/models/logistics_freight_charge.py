from odoo import fields, models


class LogisticsFreightCharge(models.Model):
    _inherit = "logistics.freight.charge"

    bill_line_id = fields.Many2one(
        comodel_name="account.move.line",
        string="Carrier Bill Line",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The carrier bill line this approved charge was settled with.",
    )
    carrier_bill_id = fields.Many2one(related="bill_line_id.move_id", string="Carrier Bill")

    def _is_billed_by(self, date):
        """Whether the carrier billed this charge on a bill dated up to ``date``."""
        self.ensure_one()
        bill = self.carrier_bill_id
        return bool(bill) and bill.state != "cancel" and (bill.invoice_date or date) <= date
