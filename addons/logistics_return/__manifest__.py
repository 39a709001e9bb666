# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Logistics Returns",
    "summary": "Returns of delivered shipments become return transport orders of the TMS, "
    "validated against tms-return v1 and sent through the outbox",
    "version": "18.0.1.1.0",
    "category": "Inventory/Logistics",
    "website": "https://github.com/logistics-integration/odoo-logistics-integration",
    "author": "Logistics Integration contributors",
    "license": "AGPL-3",
    "development_status": "Beta",
    "maintainers": ["logistics-integration"],
    "depends": ["logistics_tms_export", "logistics_inbound", "logistics_portal"],
    "external_dependencies": {"python": ["pydantic"]},
    "data": [
        "data/logistics_exchange_type_data.xml",
        "data/logistics_event_type_data.xml",
        "views/logistics_event_type_views.xml",
        "views/logistics_shipment_views.xml",
        "views/logistics_portal_templates.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "logistics_return/static/tests/tours/*.js",
        ],
    },
}
