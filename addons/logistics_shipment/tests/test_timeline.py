from datetime import datetime, timedelta
from itertools import permutations

from odoo.tests.common import BaseCase

from ..timeline import DRAFT, TimelineEvent, derive_state, timeline_order

T0 = datetime(2026, 11, 1, 8, 0)


def event(code, category, rank, hours, sequence):
    return TimelineEvent(code, category, rank, T0 + timedelta(hours=hours), sequence)


PLANNED = event("shipment_planned", "progress", 20, 0, 1)
PICKED = event("picked_up", "progress", 30, 2, 2)
TRANSIT = event("in_transit", "progress", 40, 5, 3)
OUT = event("out_for_delivery", "progress", 50, 20, 4)
DELIVERED = event("delivered", "terminal", 60, 24, 5)


class TestTimeline(BaseCase):
    def test_no_event_is_draft(self):
        self.assertEqual(derive_state([]), DRAFT)

    def test_every_arrival_order_gives_the_same_state(self):
        five = [PLANNED, PICKED, TRANSIT, OUT, DELIVERED]
        states = {derive_state(order) for order in permutations(five)}
        self.assertEqual(states, {"delivered"})

    def test_late_older_event_does_not_move_backwards(self):
        self.assertEqual(derive_state([OUT, TRANSIT]), "out_for_delivery")
        late_transit = event("in_transit", "progress", 40, 30, 9)
        self.assertEqual(derive_state([DELIVERED, late_transit]), "delivered")

    def test_exception_holds_until_a_later_progress_event(self):
        exception = event("exception_raised", "exception", 55, 6, 6)
        self.assertEqual(derive_state([PICKED, TRANSIT, exception]), "exception")
        resolved = event("in_transit", "progress", 40, 8, 7)
        self.assertEqual(derive_state([PICKED, TRANSIT, exception, resolved]), "in_transit")

    def test_exception_older_than_progress_is_history(self):
        old_exception = event("exception_raised", "exception", 55, 1, 6)
        self.assertEqual(derive_state([PICKED, TRANSIT, old_exception]), "in_transit")

    def test_exception_does_not_undo_a_terminal_state(self):
        exception = event("exception_raised", "exception", 55, 30, 6)
        self.assertEqual(derive_state([DELIVERED, exception]), "delivered")

    def test_administrative_events_do_not_change_the_state(self):
        confirmed = event("order_confirmed", "administrative", 10, -5, 8)
        invoiced = event("invoice_approved", "administrative", 90, 40, 9)
        self.assertEqual(derive_state([confirmed]), DRAFT)
        self.assertEqual(derive_state([TRANSIT, invoiced]), "in_transit")

    def test_ties_are_resolved_by_rank_then_id(self):
        same_time_a = event("in_transit", "progress", 40, 5, 10)
        same_time_b = event("out_for_delivery", "progress", 50, 5, 11)
        self.assertEqual(derive_state([same_time_b, same_time_a]), "out_for_delivery")
        self.assertEqual(derive_state([same_time_a, same_time_b]), "out_for_delivery")

    def test_timeline_reads_newest_first_by_rank_then_time(self):
        """An acknowledgement recorded at Odoo's clock after the delivery stays below it."""
        acknowledged = event("shipment_planned", "progress", 20, 30, 6)
        confirmed = event("order_confirmed", "administrative", 10, -5, 7)
        shown = timeline_order([acknowledged, DELIVERED, confirmed, PICKED, TRANSIT])
        self.assertEqual(shown, [DELIVERED, TRANSIT, PICKED, acknowledged, confirmed])
        self.assertEqual(
            {tuple(timeline_order(order)) for order in permutations(shown)}, {tuple(shown)}
        )

    def test_timeline_places_an_exception_after_what_it_followed(self):
        damage = event("exception_raised", "exception", 55, 21, 6)
        shown = timeline_order([PLANNED, PICKED, TRANSIT, OUT, damage, DELIVERED])
        self.assertEqual(shown, [DELIVERED, damage, OUT, TRANSIT, PICKED, PLANNED])
        # Holding the shipment, it is on top; a later progress event goes above it.
        held = timeline_order([PICKED, TRANSIT, event("exception_raised", "exception", 55, 6, 6)])
        self.assertEqual(held[0].code, "exception_raised")
        later = event("in_transit", "progress", 40, 8, 7)
        self.assertEqual(timeline_order([PICKED, TRANSIT, held[0], later])[:2], [later, held[0]])

    def test_timeline_puts_the_state_on_top(self):
        """A damage reported after the delivery follows it: the shipment stays delivered."""
        damage = event("exception_raised", "exception", 55, 30, 6)
        self.assertEqual(timeline_order([DELIVERED, damage, OUT]), [DELIVERED, damage, OUT])
