# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Logistics Freight Audit",
    "summary": "Freight charges reconciled against per-carrier tolerances, manager "
    "decisions and the invoice hold",
    "version": "18.0.1.2.0",
    "category": "Inventory/Logistics",
    "website": "https://github.com/logistics-integration/odoo-logistics-integration",
    "author": "Logistics Integration contributors",
    "license": "AGPL-3",
    "development_status": "Beta",
    "maintainers": ["logistics-integration"],
    "depends": ["logistics_shipment"],
    "data": [
        "security/logistics_freight_security.xml",
        "security/ir.model.access.csv",
        "data/mail_activity_type_data.xml",
        "views/logistics_carrier_tolerance_views.xml",
        "views/logistics_freight_charge_views.xml",
        "views/logistics_shipment_views.xml",
        "views/sale_order_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/logistics_freight_charge_decision_views.xml",
        "data/logistics_overview_card_data.xml",
        "views/logistics_freight_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "logistics_freight/static/tests/tours/*.js",
        ],
    },
    "pre_init_hook": "pre_init_hook",
}
