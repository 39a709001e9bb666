# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Logistics Integration",
    "summary": "Governed integration with TMS, carriers, customer portals and finance: "
    "endpoints, canonical events, data ownership, integration log",
    "version": "18.0.1.2.0",
    "category": "Inventory/Logistics",
    "website": "https://github.com/logistics-integration/odoo-logistics-integration",
    "author": "Logistics Integration contributors",
    "license": "AGPL-3",
    "application": True,
    "depends": ["mail", "queue_job"],
    "data": [
        "security/logistics_integration_security.xml",
        "security/ir.model.access.csv",
        "data/logistics_event_type_data.xml",
        "data/logistics_data_ownership_data.xml",
        "data/logistics_masking_rule_data.xml",
        "data/ir_cron_data.xml",
        "data/queue_job_data.xml",
        "views/logistics_endpoint_views.xml",
        "views/logistics_integration_log_views.xml",
        "views/logistics_outbound_message_views.xml",
        "views/logistics_event_type_views.xml",
        "views/logistics_data_ownership_views.xml",
        "views/logistics_interface_views.xml",
        "views/logistics_masking_rule_views.xml",
        "views/res_config_settings_views.xml",
        "views/logistics_integration_menus.xml",
    ],
    "external_dependencies": {"python": ["requests"]},
    "demo": ["demo/logistics_endpoint_demo.xml"],
    "assets": {
        "web.assets_tests": [
            "logistics_integration/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
