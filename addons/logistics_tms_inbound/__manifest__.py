# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Logistics TMS Inbound",
    "summary": "The TMS mapping: the tms-event v1 contract and profile, planning data, "
    "freight-charge decisions and an invoicing guard",
    "version": "18.0.2.0.0",
    "category": "Inventory/Logistics",
    "website": "https://github.com/logistics-integration/odoo-logistics-integration",
    "author": "Logistics Integration contributors",
    "license": "AGPL-3",
    "development_status": "Beta",
    "maintainers": ["logistics-integration"],
    "depends": ["logistics_inbound"],
    "external_dependencies": {"python": ["pydantic"]},
    "data": [
        "security/logistics_tms_inbound_security.xml",
        "security/ir.model.access.csv",
        "data/mail_activity_type_data.xml",
        "data/logistics_interface_data.xml",
        "data/logistics_inbound_profile_data.xml",
        "data/ir_cron_data.xml",
        "views/logistics_carrier_tolerance_views.xml",
        "views/logistics_shipment_views.xml",
        "views/logistics_freight_charge_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/logistics_freight_charge_decision_views.xml",
        "views/logistics_tms_inbound_menus.xml",
    ],
}
