"""Endpoints receive through the endpoint registry: those that already received events
get their inbound format (their recipes come from the bridge's TOML, imported with
``logistics-bridge export-endpoints --apply``)."""

from odoo.addons.logistics_inbound.hooks import set_inbound_formats


def migrate(cr, version):
    if version:
        set_inbound_formats(cr)
