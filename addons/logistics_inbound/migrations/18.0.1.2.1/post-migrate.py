"""Pickup-point statuses stop meaning delivered (18.0.1.2.1).

The AfterShip and EasyPost presets mapped "available for pickup" onto Delivered,
which validated the delivery, released the invoice and told the customer the
parcel had arrived while it waited at a locker. Preset mappings are loaded once
(noupdate), so the ones still as shipped are re-pointed here to the canonical
Available for Pickup milestone; a mapping an administrator changed is left alone.
"""

from odoo import SUPERUSER_ID, api

PICKUP_MAPPINGS = (
    "logistics_inbound.status_mapping_aftership_availableforpickup",
    "logistics_inbound.status_mapping_easypost_available_for_pickup",
)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    delivered = env.ref("logistics_integration.event_type_delivered")
    pickup = env.ref("logistics_integration.event_type_available_for_pickup")
    for xmlid in PICKUP_MAPPINGS:
        mapping = env.ref(xmlid, raise_if_not_found=False)
        if mapping and mapping.event_type_id == delivered:
            mapping.event_type_id = pickup
