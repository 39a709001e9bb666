"""The open-exceptions card of the Overview moves here from logistics_monitoring (18.0.1.6.0).

Its xml id is handed over before this addon loads: updated in place, the card keeps its
row and thresholds.
"""

from odoo.addons.logistics_integration.upgrade import adopt_records


def migrate(cr, version):
    if version:
        adopt_records(
            cr, "logistics_inbound", ["overview_card_exceptions"], model="logistics.overview.card"
        )
