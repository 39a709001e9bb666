from odoo import models

from odoo.addons.logistics_inbound.canonical import utc_naive


class LogisticsIngest(models.AbstractModel):
    _inherit = "logistics.ingest"

    def _apply_side_effects(self, endpoint, plan, milestone):
        """Planning data (the TMS owns it), proof of delivery and freight charges."""
        shipment = plan.shipment
        payload = plan.event.payload
        planning = {}
        if payload.planning_reference:
            planning["tms_reference"] = payload.planning_reference
        if plan.carrier:
            planning["carrier_id"] = plan.carrier.id
        if payload.tracking_number:
            planning["tracking_number"] = payload.tracking_number
        if payload.eta:
            planning["estimated_date"] = utc_naive(payload.eta)
        reported_at = plan.times["event_time"]
        if planning:
            shipment._apply_tms_planning(planning, reported_at)
        if payload.pod:
            shipment._apply_proof_of_delivery(
                signed_by=payload.pod.signed_by,
                signed_at=utc_naive(payload.pod.signed_at),
                document_reference=payload.pod.document_reference,
                reported_at=reported_at,
            )
        if payload.charges:
            shipment._apply_tms_charges(payload.charges, plan.currencies, endpoint, reported_at)
        return super()._apply_side_effects(endpoint, plan, milestone)
