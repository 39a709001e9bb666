from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    logistics_accrual_journal_id = fields.Many2one(
        related="company_id.logistics_accrual_journal_id", readonly=False
    )
    logistics_accrual_expense_account_id = fields.Many2one(
        related="company_id.logistics_accrual_expense_account_id", readonly=False
    )
    logistics_accrual_liability_account_id = fields.Many2one(
        related="company_id.logistics_accrual_liability_account_id", readonly=False
    )
