# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Logistics Service Cases",
    "summary": "Exception milestones (damage, loss, delay, refusal) open service cases with an "
    "owner, a due date, customer updates and a resolution",
    "version": "18.0.1.3.0",
    "category": "Inventory/Logistics",
    "website": "https://github.com/logistics-integration/odoo-logistics-integration",
    "author": "Logistics Integration contributors",
    "license": "AGPL-3",
    "development_status": "Beta",
    "maintainers": ["logistics-integration"],
    # logistics_inbound: its exception activity is extended, not replaced.
    "depends": ["logistics_inbound", "logistics_portal", "account"],
    "data": [
        "security/ir.model.access.csv",
        "security/logistics_case_security.xml",
        "data/ir_sequence_data.xml",
        "data/mail_template_data.xml",
        "data/mail_activity_type_data.xml",
        "data/logistics_case_type_data.xml",
        "views/logistics_case_views.xml",
        "views/logistics_case_type_views.xml",
        "views/logistics_case_rule_views.xml",
        "views/logistics_shipment_views.xml",
        "views/sale_order_views.xml",
        "views/logistics_case_portal_templates.xml",
        "data/logistics_overview_card_data.xml",
        "views/logistics_case_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "logistics_case/static/tests/tours/*.js",
        ],
    },
}
