"""Additions and deletions of active inbound profiles and of exchange types of an
endpoint wait for approval: the shipped rows are ``noupdate``, so an upgraded
database gets the new setting here."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid in ("change_model_inbound_profile", "change_model_exchange_type"):
        row = env.ref(f"logistics_change_control.{xmlid}", raise_if_not_found=False)
        if row:
            row.approval_create_unlink = True
