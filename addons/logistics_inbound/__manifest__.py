# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Logistics Inbound",
    "summary": "Any source's events and documents become governed milestones: the inbox, "
    "ingestion for the bridge, inbound profiles and status mappings",
    "version": "18.0.1.3.0",
    "category": "Inventory/Logistics",
    "website": "https://github.com/logistics-integration/odoo-logistics-integration",
    "author": "Logistics Integration contributors",
    "license": "AGPL-3",
    "development_status": "Beta",
    "maintainers": ["logistics-integration"],
    "depends": ["logistics_shipment"],
    "external_dependencies": {"python": ["pydantic", "logistics_contract"]},
    "data": [
        "security/logistics_inbound_security.xml",
        "security/ir.model.access.csv",
        "data/logistics_interface_data.xml",
        "data/logistics_inbound_profile_x12_214.xml",
        "data/logistics_inbound_profile_easypost.xml",
        "data/logistics_inbound_profile_shippo.xml",
        "data/logistics_inbound_profile_aftership.xml",
        "data/logistics_inbound_profile_easyship.xml",
        "views/logistics_inbound_event_views.xml",
        "views/logistics_inbound_profile_views.xml",
        "views/logistics_status_mapping_views.xml",
        "views/logistics_endpoint_views.xml",
        "wizards/logistics_inbound_sample_views.xml",
        "wizards/logistics_bridge_connect_views.xml",
        "views/res_config_settings_views.xml",
        "views/logistics_inbound_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "logistics_inbound/static/tests/tours/*.js",
        ],
    },
    "pre_init_hook": "pre_init_hook",
}
