from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    logistics_accrual_journal_id = fields.Many2one(
        comodel_name="account.journal",
        string="Freight Accrual Journal",
        domain="[('type', '=', 'general'), ('company_id', '=', id)]",
    )
    logistics_accrual_expense_account_id = fields.Many2one(
        comodel_name="account.account",
        string="Freight Cost Account",
        help="Debited with the approved freight of delivered, not yet billed shipments.",
    )
    logistics_accrual_liability_account_id = fields.Many2one(
        comodel_name="account.account",
        string="Accrued Freight Account",
        help="Credited with the accrued freight until the carrier's bill arrives.",
    )
