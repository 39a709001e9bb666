# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Logistics TMS Export",
    "summary": "Allocated orders become TMS transport jobs: validated against a versioned "
    "contract, sent through the outbox and queue_job",
    "version": "18.0.2.0.0",
    "category": "Inventory/Logistics",
    "website": "https://github.com/logistics-integration/odoo-logistics-integration",
    "author": "Logistics Integration contributors",
    "license": "AGPL-3",
    "development_status": "Beta",
    "maintainers": ["logistics-integration"],
    "depends": ["logistics_shipment"],
    "external_dependencies": {"python": ["pydantic", "requests"]},
    "data": [
        "security/ir.model.access.csv",
        "data/mail_activity_type_data.xml",
        "data/logistics_exchange_type_data.xml",
        "views/logistics_shipment_views.xml",
        "views/logistics_endpoint_views.xml",
        "views/delivery_carrier_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/logistics_tms_replay_views.xml",
        "data/logistics_overview_card_data.xml",
    ],
}
