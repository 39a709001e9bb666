"""Carrier bills that are paid read "Paid", not "Ready to Pay"; periods accrued with
nothing to accrue no longer show as a 0.00 accrual (18.0.1.1.0)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    bills = env["account.move"].search([("logistics_settlement_state", "!=", False)])
    env.add_to_compute(bills._fields["logistics_settlement_state"], bills)
    bills._recompute_recordset(["logistics_settlement_state"])
    env["logistics.freight.accrual"].search(
        [("move_id", "=", False), ("charge_ids", "=", False)]
    ).unlink()
