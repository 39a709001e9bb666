"""The late-shipments card of the Overview moves here from logistics_monitoring (18.0.1.2.0).

Its xml id is handed over before this addon loads: updated in place, the card keeps its
row and thresholds.
"""

from odoo.addons.logistics_integration.migration import rehome_xml_ids


def migrate(cr, version):
    if version:
        rehome_xml_ids(cr, "logistics_monitoring", "logistics_shipment", ["overview_card_late"])
