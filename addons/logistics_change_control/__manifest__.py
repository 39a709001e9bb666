# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Logistics Change Control",
    "summary": "Configuration bundles promoted between databases with a diff preview, and "
    "changes of governed fields approved by a second Integration Administrator",
    "version": "18.0.1.2.0",
    "category": "Inventory/Logistics",
    "website": "https://github.com/logistics-integration/odoo-logistics-integration",
    "author": "Logistics Integration contributors",
    "license": "AGPL-3",
    "development_status": "Beta",
    "maintainers": ["logistics-integration"],
    # Only the integration core: other addons' models are named as data and
    # skipped with a note where their addon is not installed.
    "depends": ["logistics_integration"],
    "data": [
        "security/ir.model.access.csv",
        "security/logistics_change_control_security.xml",
        "data/ir_sequence_data.xml",
        "data/logistics_change_model_data.xml",
        "views/logistics_change_request_views.xml",
        "views/logistics_change_model_views.xml",
        "views/logistics_bundle_export_views.xml",
        "views/logistics_change_control_menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "logistics_change_control/static/src/**/*.js",
        ],
        "web.assets_tests": [
            "logistics_change_control/static/tests/tours/**/*.js",
        ],
    },
}
