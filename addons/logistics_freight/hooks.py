"""The freight audit and the invoice hold lived in the TMS inbound addon (built on
this one) up to its 18.0.1.0.1. On a database from then, their metadata (models,
fields, views, access rights, rules, the activity type) is re-homed here before this
addon installs, so the upgrade neither drops their tables and columns nor creates
duplicates."""

from odoo.addons.logistics_integration.upgrade import adopt_records

# ir.model.data names of the moved records: prefixes for whole models, then single rows.
MOVED_PREFIXES = (
    "model_logistics_carrier_tolerance",
    "field_logistics_carrier_tolerance__",
    "constraint_logistics_carrier_tolerance_",
    "model_logistics_freight_charge_decision",
    "field_logistics_freight_charge_decision__",
    "selection__logistics_freight_charge_decision__",
    "selection__logistics_shipment__invoice_release_state__",
    "access_logistics_carrier_tolerance_",
    "logistics_carrier_tolerance_",
    "logistics_freight_charge_decision_",
)
MOVED_NAMES = (
    "field_logistics_freight_charge__decision_user_id",
    "field_logistics_freight_charge__decision_date",
    "field_delivery_carrier__logistics_tolerance_ids",
    "field_logistics_shipment__invoice_release_state",
    "access_logistics_freight_charge_decision_manager",
    "delivery_carrier_view_form",
    "logistics_freight_charge_view_list",
    "mail_activity_type_freight_decision",
    "menu_logistics_carrier_tolerance",
)


def pre_init_hook(env):
    like_any = [prefix.replace("_", r"\_") + "%" for prefix in MOVED_PREFIXES]
    adopt_records(env.cr, "logistics_freight", MOVED_NAMES, like_any)
