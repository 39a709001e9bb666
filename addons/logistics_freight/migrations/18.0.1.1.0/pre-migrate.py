"""The held-charges and held-orders cards of the Overview (and the orders' list they open) move
here from logistics_monitoring (18.0.1.1.0).

Their xml ids are handed over before this addon loads: updated in place, each card
keeps its row and thresholds.
"""

from odoo.addons.logistics_integration.migration import rehome_xml_ids


def migrate(cr, version):
    if version:
        rehome_xml_ids(
            cr,
            "logistics_monitoring",
            "logistics_freight",
            [
                "overview_card_charges_held",
                "overview_card_invoices_held",
                "sale_order_view_list_overview",
            ],
        )
