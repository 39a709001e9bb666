# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Logistics TMS Inbound",
    "summary": "The TMS mapping: the tms-event v1 contract and profile, planning data, "
    "proof of delivery and the TMS's freight charges for the freight audit",
    "version": "18.0.2.2.0",
    "category": "Inventory/Logistics",
    "website": "https://github.com/logistics-integration/odoo-logistics-integration",
    "author": "Logistics Integration contributors",
    "license": "AGPL-3",
    "development_status": "Beta",
    "maintainers": ["logistics-integration"],
    "depends": ["logistics_inbound", "logistics_freight"],
    "external_dependencies": {"python": ["pydantic"]},
    "data": [
        "data/logistics_exchange_type_data.xml",
        "data/logistics_inbound_profile_data.xml",
        "data/ir_cron_data.xml",
        "views/logistics_shipment_views.xml",
        "views/res_config_settings_views.xml",
        "data/logistics_overview_card_data.xml",
    ],
}
