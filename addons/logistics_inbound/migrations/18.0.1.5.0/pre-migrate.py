"""The exception lifecycle moves here from logistics_tms_inbound (18.0.1.5.0).

Its activity type and kanban badge keep their records: their xml ids are handed to this
addon before it loads, so the activities made with the type stay and no second type is
created. The shipment's stored flag needs nothing: this addon defines it before
logistics_tms_inbound stops, so its column stays.
"""

from odoo.addons.logistics_inbound.hooks import MOVED_LIFECYCLE_RECORDS, rehome_records


def migrate(cr, version):
    if version:
        rehome_records(cr, MOVED_LIFECYCLE_RECORDS)
