# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Logistics Monitoring",
    "summary": "Operations overview of endpoints, bridges and business exceptions, "
    "bridge heartbeats and registry versions, expiring credentials, SLA targets that "
    "open breaches",
    "version": "18.0.2.1.0",
    "category": "Inventory/Logistics",
    "website": "https://github.com/logistics-integration/odoo-logistics-integration",
    "author": "Logistics Integration contributors",
    "license": "AGPL-3",
    "development_status": "Beta",
    "maintainers": ["logistics-integration"],
    "depends": ["logistics_inbound"],
    "external_dependencies": {"python": ["pydantic", "prometheus_client", "opentelemetry-sdk"]},
    "data": [
        "security/ir.model.access.csv",
        "security/logistics_monitoring_security.xml",
        "data/logistics_overview_card_data.xml",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "views/logistics_bridge_instance_views.xml",
        "views/logistics_bridge_credential_views.xml",
        "views/logistics_overview_card_views.xml",
        "views/logistics_sla_breach_views.xml",
        "views/logistics_exchange_type_views.xml",
        "views/logistics_trace_entry_views.xml",
        "views/res_config_settings_views.xml",
        "views/logistics_monitoring_menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "logistics_monitoring/static/src/views/*.js",
            "logistics_monitoring/static/src/threshold_field/*.js",
        ],
        "web.assets_tests": [
            "logistics_monitoring/static/tests/tours/*.js",
        ],
    },
    "post_init_hook": "post_init_hook",
}
