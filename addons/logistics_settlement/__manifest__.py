# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Logistics Carrier Settlement",
    "summary": "Carrier bills matched against approved freight, period-end freight accruals, "
    "invoice-ready shipments pushed to finance, batch windows governed per data domain",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/logistics-integration/odoo-logistics-integration",
    "author": "Logistics Integration contributors",
    "license": "AGPL-3",
    "development_status": "Beta",
    "maintainers": ["logistics-integration"],
    "depends": ["logistics_freight", "account"],
    "external_dependencies": {"python": ["pydantic"]},
    "data": [
        "security/logistics_settlement_security.xml",
        "security/ir.model.access.csv",
        "data/mail_activity_type_data.xml",
        "data/logistics_data_ownership_data.xml",
        "data/ir_cron_data.xml",
        "views/account_move_views.xml",
        "views/account_move_line_views.xml",
        "views/delivery_carrier_views.xml",
        "views/logistics_data_ownership_views.xml",
        "views/logistics_freight_accrual_views.xml",
        "views/res_config_settings_views.xml",
        "views/logistics_settlement_menus.xml",
    ],
}
