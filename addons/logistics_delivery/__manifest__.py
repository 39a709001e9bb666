# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Logistics Delivery Rates",
    "summary": "Rate shopping through the TMS: a Logistics TMS delivery method whose "
    "quotes are a governed exchange, with a documented fallback and the chosen quote as "
    "the shipment's expected freight",
    "version": "18.0.1.0.1",
    "category": "Inventory/Logistics",
    "website": "https://github.com/logistics-integration/odoo-logistics-integration",
    "author": "Logistics Integration contributors",
    "license": "AGPL-3",
    "development_status": "Beta",
    "maintainers": ["logistics-integration"],
    "depends": ["delivery", "logistics_tms_export", "logistics_freight"],
    "external_dependencies": {"python": ["pydantic", "requests"]},
    "data": [
        "security/ir.model.access.csv",
        "security/logistics_delivery_security.xml",
        "data/logistics_exchange_type_data.xml",
        "views/logistics_rate_quote_views.xml",
        "views/delivery_carrier_views.xml",
        "views/logistics_endpoint_views.xml",
        "views/sale_order_views.xml",
    ],
    "demo": ["demo/delivery_carrier_demo.xml"],
}
