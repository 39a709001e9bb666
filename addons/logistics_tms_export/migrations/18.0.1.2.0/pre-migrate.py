"""The blocked- and failed-export cards of the Overview move here from logistics_monitoring
(18.0.1.2.0).

Their xml ids are handed over before this addon loads: updated in place, each card
keeps its row and thresholds.
"""

from odoo.addons.logistics_integration.upgrade import adopt_records


def migrate(cr, version):
    if version:
        adopt_records(
            cr,
            "logistics_tms_export",
            ["overview_card_exports_blocked", "overview_card_exports_failed"],
            model="logistics.overview.card",
        )
