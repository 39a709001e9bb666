from odoo import fields, models


class AccountMoveReversal(models.TransientModel):
    """Opened from a service case, the credit note it makes is the case's."""

    _inherit = "account.move.reversal"

    logistics_case_id = fields.Many2one(comodel_name="logistics.case", string="Service Case")

    def reverse_moves(self, is_modify=False):
        before = self.move_ids.reversal_move_ids
        action = super().reverse_moves(is_modify=is_modify)
        credit_note = (self.move_ids.reversal_move_ids - before).filtered(
            lambda move: move.move_type == "out_refund"
        )
        if self.logistics_case_id and credit_note:
            self.logistics_case_id._link_credit_note(credit_note[:1])
        return action
