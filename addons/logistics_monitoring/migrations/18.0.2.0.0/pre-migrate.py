"""SLA breaches name their exchange type ``exchange_type_id`` (18.0.2.0.0), as the
interface catalogue became the exchange types (``logistics_integration`` 18.0.2.0.0)."""

from odoo.addons.logistics_integration.upgrade import rename_field


def migrate(cr, version):
    if version:
        rename_field(cr, "logistics.sla.breach", "interface_id", "exchange_type_id")
