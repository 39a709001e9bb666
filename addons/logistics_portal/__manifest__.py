# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Logistics Customer Portal",
    "summary": "Customer-safe shipment updates: e-mails, My Shipments portal page and "
    "masked events for a customer portal",
    "version": "18.0.1.3.0",
    "category": "Inventory/Logistics",
    "website": "https://github.com/logistics-integration/odoo-logistics-integration",
    "author": "Logistics Integration contributors",
    "license": "AGPL-3",
    "development_status": "Beta",
    "maintainers": ["logistics-integration"],
    "depends": ["logistics_shipment", "portal"],
    "data": [
        "security/ir.model.access.csv",
        "security/logistics_portal_security.xml",
        "data/mail_activity_type_data.xml",
        "data/mail_template_data.xml",
        "data/queue_job_data.xml",
        "data/logistics_exchange_type_data.xml",
        "views/logistics_portal_templates.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "logistics_portal/static/tests/tours/*.js",
        ],
    },
}
