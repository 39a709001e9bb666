"""One name for one idea (18.0.2.0.0): the interface catalogue is the exchange types.

``logistics.interface`` becomes ``logistics.exchange.type`` with its rows, records'
xml ids and everything that names it; an outbound message's ``interface_id`` is its
``exchange_type_id`` and its ``operation`` the ``exchange_type_code`` it was sent as;
the integration log's free-text ``operation`` is its ``summary``. Addons with their own
``interface_id`` columns rename them in their own migrations.
"""

from odoo.addons.logistics_integration.upgrade import rename_field, rename_model


def migrate(cr, version):
    if not version:
        return
    rename_model(cr, "logistics.interface", "logistics.exchange.type")
    rename_field(cr, "logistics.endpoint", "interface_ids", "exchange_type_ids")
    rename_field(cr, "logistics.outbound.message", "interface_id", "exchange_type_id")
    rename_field(cr, "logistics.outbound.message", "operation", "exchange_type_code")
    rename_field(cr, "logistics.integration.log", "operation", "summary")
