from odoo.exceptions import AccessError

from .common import T0, LogisticsTmsInboundCase


class TestTmsCallbacks(LogisticsTmsInboundCase):
    """What the TMS's own callbacks add to the generic ingestion: their exchange type,
    proof of delivery, and freight charges the bridge may not read."""

    def test_callback_is_kept_under_the_tms_event_exchange_type(self):
        answer = self._ingest_one(self._event(status_code="AF"))
        self.assertEqual(answer["result"], "processed")
        inbox = self.env["logistics.inbound.event"].search(
            [("milestone_id", "=", self.shipment.milestone_ids.id)]
        )
        self.assertEqual(inbox.exchange_type_id.code, "tms_event")

    def test_pod_event_records_proof_of_delivery(self):
        self._ingest(self._event(status_code="D1"))
        answer = self._ingest_one(
            self._event(
                event_type="pod",
                pod={
                    "signed_by": "J. Doe",
                    "signed_at": T0.isoformat(),
                    "document_reference": "POD-77",
                },
            )
        )
        self.assertEqual(answer["result"], "processed")
        self.assertEqual(self.shipment.pod_signed_by, "J. Doe")
        self.assertEqual(self.shipment.pod_document_reference, "POD-77")

    def test_bridge_cannot_read_freight_charges(self):
        with self.assertRaises(AccessError):
            self.env(user=self.bridge_user)["logistics.freight.charge"].search([], limit=1)
