# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Logistics Delivery Appointments",
    "summary": "Delivery windows booked with the consignee among the TMS's slots, "
    "appointment milestones, stop sequence and ETA history, and the appointment SLA",
    "version": "18.0.1.0.0",
    "category": "Inventory/Logistics",
    "website": "https://github.com/logistics-integration/odoo-logistics-integration",
    "author": "Logistics Integration contributors",
    "license": "AGPL-3",
    "development_status": "Beta",
    "maintainers": ["logistics-integration"],
    "depends": ["logistics_tms_export", "logistics_tms_inbound", "logistics_portal"],
    "external_dependencies": {"python": ["pydantic"]},
    "data": [
        "security/ir.model.access.csv",
        "security/logistics_appointment_security.xml",
        "data/logistics_event_type_data.xml",
        "data/logistics_exchange_type_data.xml",
        "data/logistics_status_mapping_data.xml",
        "data/logistics_overview_card_data.xml",
        "views/logistics_shipment_views.xml",
        "views/logistics_endpoint_views.xml",
        "views/logistics_portal_templates.xml",
    ],
}
