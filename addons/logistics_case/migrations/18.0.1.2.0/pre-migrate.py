"""The Overview's cards of this addon's records move here from logistics_monitoring
(18.0.1.2.0): their xml ids are handed over before this addon loads, so the cards are
updated in place and keep their thresholds."""

from odoo.addons.logistics_integration.migration import rehome_xml_ids

MOVED_RECORDS = ("overview_card_cases_open",)


def migrate(cr, version):
    if version:
        rehome_xml_ids(cr, "logistics_monitoring", "logistics_case", MOVED_RECORDS)
