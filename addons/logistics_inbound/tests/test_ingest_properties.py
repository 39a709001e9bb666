from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .common import T0, LogisticsInboundCase

# A shipment's life as the TMS reports it, in event-time order: (status code, detail).
LIFECYCLE = (
    ("XB", None),
    ("AF", None),
    ("P1", None),
    ("AH", "A1"),
    ("X4", None),
    ("X6", None),
    ("D1", None),
)
INDICES = range(len(LIFECYCLE))


@st.composite
def deliveries(draw):
    """Some of a lifecycle's events, then that set shuffled, partly repeated (redeliveries
    with the same event id), and cut into batches as the bridge would forward them."""
    chosen = sorted(draw(st.sets(st.sampled_from(INDICES), min_size=1)))
    repeats = draw(st.lists(st.sampled_from(chosen), max_size=4))
    arrival = draw(st.permutations(chosen + repeats))
    batches, start = [], 0
    while start < len(arrival):
        size = draw(st.integers(min_value=1, max_value=4))
        batches.append(arrival[start : start + size])
        start += size
    return chosen, batches


class TestIngestProperties(LogisticsInboundCase):
    """Whatever order and however often a shipment's events arrive, it ends as if they had
    arrived once, in order."""

    _shipment_counter = 0

    def _fresh_shipment(self):
        TestIngestProperties._shipment_counter += 1
        return self._create_shipment(tms_reference=f"PROP-{self._shipment_counter}")

    def _events(self, reference):
        return [
            self._event(
                reference=reference,
                occurred_at=T0 + timedelta(hours=hour),
                status_code=code,
                **({"status_detail": detail} if detail else {}),
            )
            for hour, (code, detail) in enumerate(LIFECYCLE)
        ]

    @staticmethod
    def _final_state(shipment):
        shipment.invalidate_recordset()
        milestones = sorted((m.raw_code, m.event_time) for m in shipment.milestone_ids)
        open_summaries = sorted(shipment.activity_ids.mapped("summary"))
        return {
            "state": shipment.state,
            "last": shipment.last_milestone_id.raw_code,
            "milestones": milestones,
            "action_required": shipment.action_required,
            "pickup": shipment.actual_pickup_date,
            "delivery": shipment.actual_delivery_date,
            "open_activities": open_summaries,
        }

    @settings(
        max_examples=40,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(delivery=deliveries())
    def test_any_order_and_duplication_ends_as_in_order(self, delivery):
        chosen, batches = delivery
        in_order = self._fresh_shipment()
        events = self._events(in_order.tms_reference)
        for index in chosen:
            self._ingest(events[index])
        shuffled = self._fresh_shipment()
        events = self._events(shuffled.tms_reference)
        seen, results = set(), []
        for batch in batches:
            answers = self._ingest(*[events[index] for index in batch])
            for index, answer in zip(batch, answers, strict=True):
                expected = "duplicate" if index in seen else "processed"
                results.append((index, answer["result"], expected))
                seen.add(index)
        self.assertEqual([(i, got) for i, got, _ in results], [(i, e) for i, _, e in results])
        self.assertEqual(
            self._final_state(shuffled), self._final_state(in_order), f"arrival {batches}"
        )
