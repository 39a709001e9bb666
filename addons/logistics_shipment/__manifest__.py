# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Logistics Shipments",
    "summary": "Shipments with a canonical milestone timeline and freight charges, "
    "linked to sale orders and deliveries",
    "version": "18.0.1.4.0",
    "category": "Inventory/Logistics",
    "website": "https://github.com/logistics-integration/odoo-logistics-integration",
    "author": "Logistics Integration contributors",
    "license": "AGPL-3",
    "development_status": "Beta",
    "maintainers": ["logistics-integration"],
    "depends": ["logistics_integration", "sale_stock", "stock_delivery"],
    "data": [
        "security/ir.model.access.csv",
        "security/logistics_shipment_security.xml",
        "data/ir_sequence_data.xml",
        "views/logistics_milestone_views.xml",
        "views/logistics_freight_charge_views.xml",
        "views/logistics_shipment_views.xml",
        "views/sale_order_views.xml",
        "views/stock_picking_views.xml",
        "views/delivery_carrier_views.xml",
        "views/logistics_carrier_alias_views.xml",
        "views/res_partner_views.xml",
        "data/logistics_overview_card_data.xml",
        "views/logistics_shipment_menus.xml",
    ],
    "demo": ["demo/logistics_shipment_demo.xml"],
    "assets": {
        "web.assets_tests": [
            "logistics_shipment/static/tests/tours/*.js",
        ],
    },
}
