"""A return's milestones are worded for the customer who sends it back (18.0.1.1.0).

The wording is set on the canonical events at install only (noupdate): upgraded
databases get it here, where none is set.
"""

from odoo import SUPERUSER_ID, api

RETURN_LABELS = {
    "logistics_integration.event_type_shipment_planned": "Return pickup scheduled",
    "logistics_integration.event_type_picked_up": "Return picked up from you",
    "logistics_integration.event_type_in_transit": "Return on its way to us",
    "logistics_integration.event_type_delivered": "Return received",
    "logistics_integration.event_type_returned": "Return received",
    "logistics_integration.event_type_cancelled": "Return cancelled",
}


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid, label in RETURN_LABELS.items():
        event_type = env.ref(xmlid, raise_if_not_found=False)
        if event_type and not event_type.return_customer_label:
            event_type.return_customer_label = label
