# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Logistics Master Data",
    "summary": "Ship-to addresses, products and carrier services sent to the TMS as their "
    "own flow: only what changed, on each domain's batch window or on demand, with "
    "conflicts kept for review",
    "version": "18.0.1.1.0",
    "category": "Inventory/Logistics",
    "website": "https://github.com/logistics-integration/odoo-logistics-integration",
    "author": "Logistics Integration contributors",
    "license": "AGPL-3",
    "development_status": "Beta",
    "maintainers": ["logistics-integration"],
    "depends": ["logistics_tms_export", "logistics_inbound"],
    "external_dependencies": {"python": ["pydantic"]},
    "data": [
        "security/ir.model.access.csv",
        "security/logistics_master_data_security.xml",
        "data/mail_activity_type_data.xml",
        "data/logistics_exchange_type_data.xml",
        "data/logistics_data_ownership_data.xml",
        "data/logistics_batch_data.xml",
        "data/logistics_overview_card_data.xml",
        "views/logistics_master_data_state_views.xml",
        "views/logistics_data_ownership_views.xml",
        "views/logistics_endpoint_views.xml",
        "views/product_template_views.xml",
        "views/logistics_master_data_actions.xml",
    ],
}
