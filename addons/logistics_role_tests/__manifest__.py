# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Logistics Role Tests",
    "summary": "Browser smoke tests: every Logistics role and the portal customer walk "
    "every menu, view, Overview card and portal page they are shown",
    "version": "18.0.1.1.0",
    "category": "Hidden/Tests",
    "website": "https://github.com/logistics-integration/odoo-logistics-integration",
    "author": "Logistics Integration contributors",
    "license": "AGPL-3",
    "development_status": "Beta",
    "maintainers": ["logistics-integration"],
    "depends": [
        "logistics_appointment",
        "logistics_case",
        "logistics_change_control",
        "logistics_delivery",
        "logistics_master_data",
        "logistics_monitoring",
        "logistics_return",
        "logistics_settlement",
    ],
    "assets": {
        "web.assets_tests": [
            "logistics_role_tests/static/tests/tours/**/*.js",
        ],
    },
}
