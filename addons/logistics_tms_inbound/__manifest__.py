# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Logistics TMS Inbound",
    "summary": "TMS events become governed milestones, planning data and freight "
    "charges for the freight audit",
    "version": "18.0.1.1.0",
    "category": "Inventory/Logistics",
    "website": "https://github.com/logistics-integration/odoo-logistics-integration",
    "author": "Logistics Integration contributors",
    "license": "AGPL-3",
    "depends": ["logistics_freight"],
    "external_dependencies": {"python": ["pydantic"]},
    "data": [
        "security/logistics_tms_inbound_security.xml",
        "security/ir.model.access.csv",
        "data/mail_activity_type_exception_data.xml",
        "data/logistics_inbound_profile_data.xml",
        "data/ir_cron_data.xml",
        "views/logistics_inbound_event_views.xml",
        "views/logistics_inbound_profile_views.xml",
        "views/logistics_status_mapping_views.xml",
        "views/logistics_endpoint_views.xml",
        "views/logistics_shipment_views.xml",
        "views/res_config_settings_views.xml",
        "views/logistics_tms_inbound_menus.xml",
    ],
    "installable": True,
}
