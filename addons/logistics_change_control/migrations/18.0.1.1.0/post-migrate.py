"""Additions and deletions of status mappings of an active profile, and of rows of
*Models under Change Control*, wait for approval: the shipped rows are
``noupdate``, so an upgraded database gets the new setting here."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid in ("change_model_status_mapping", "change_model_change_model"):
        row = env.ref(f"logistics_change_control.{xmlid}", raise_if_not_found=False)
        if row:
            row.approval_create_unlink = True
    row = env.ref("logistics_change_control.change_model_change_model", raise_if_not_found=False)
    if row and row.approval_fields == "approval_fields,approval_domain,active":
        row.approval_fields = "approval_fields,approval_domain,approval_create_unlink,active"
