import itertools
from datetime import timedelta

from .common import T0, LogisticsInboundCase

DELIVERED_SEQUENCE = ("XB", "AF", "P1", "X6", "D1")


class TestSequence(LogisticsInboundCase):
    def _sequence(self, reference):
        return [
            self._event(status_code=code, reference=reference, occurred_at=T0 + timedelta(hours=i))
            for i, code in enumerate(DELIVERED_SEQUENCE)
        ]

    def test_every_permutation_ends_delivered(self):
        states = set()
        for number, order in enumerate(itertools.permutations(range(5))):
            shipment = self._create_shipment(tms_reference=f"PERM-{number}")
            events = self._sequence(shipment.tms_reference)
            answers = self._ingest(*[events[i] for i in order])
            self.assertEqual({a["result"] for a in answers}, {"processed"})
            states.add((shipment.state, shipment.last_milestone_id.raw_code))
        self.assertEqual(number, 119)
        self.assertEqual(states, {("delivered", "D1")})

    def test_every_permutation_one_event_per_batch(self):
        for number, order in enumerate(itertools.permutations(range(5))):
            shipment = self._create_shipment(tms_reference=f"SINGLE-{number}")
            events = self._sequence(shipment.tms_reference)
            for index in order:
                self._ingest(events[index])
            self.assertEqual(shipment.state, "delivered", f"order {order}")

    def test_late_older_event_never_moves_backwards(self):
        self._ingest(self._event(status_code="X6", occurred_at=T0 + timedelta(hours=5)))
        self.assertEqual(self.shipment.state, "out_for_delivery")
        self._ingest(self._event(status_code="P1", occurred_at=T0 + timedelta(hours=1)))
        self.assertEqual(self.shipment.state, "out_for_delivery")
        self._ingest(self._event(status_code="D1", occurred_at=T0 + timedelta(hours=6)))
        self._ingest(self._event(status_code="AF", occurred_at=T0))
        self.assertEqual(self.shipment.state, "delivered")

    def test_exception_is_resolved_by_later_progress(self):
        self._ingest(self._event(status_code="P1", occurred_at=T0))
        self._ingest(
            self._event(status_code="AH", status_detail="A1", occurred_at=T0 + timedelta(hours=2))
        )
        self.assertEqual(self.shipment.state, "exception")
        self.assertTrue(self.shipment.action_required)
        activity = self.shipment.activity_ids.filtered(
            lambda a: "Action required" in (a.summary or "")
        )
        self.assertEqual(activity.user_id, self.logistics_user)
        self.assertIn("AH / A1", activity.note)
        self._ingest(self._event(status_code="X6", occurred_at=T0 + timedelta(hours=4)))
        self.assertEqual(self.shipment.state, "out_for_delivery")
        self.assertFalse(self.shipment.action_required)

    def test_informational_exception_is_not_action_required(self):
        self._ingest(self._event(status_code="SD", occurred_at=T0))
        self.assertEqual(self.shipment.state, "exception")
        self.assertFalse(self.shipment.action_required)
        self.assertTrue(
            self.shipment.activity_ids.filtered(lambda a: "Exception" in (a.summary or ""))
        )
