"""Derivation of a shipment's state from its milestones.

The state depends only on the milestones' own event times, canonical ranks
and ids, never on the order they arrived in, so any permutation of the same
events gives the same state and a late, older event cannot move a shipment
backwards.
"""

from dataclasses import dataclass
from datetime import datetime

DRAFT = "draft"
STATE_CATEGORIES = ("progress", "terminal")


@dataclass(frozen=True)
class TimelineEvent:
    code: str
    category: str  # progress | terminal | exception | administrative
    rank: int
    event_time: datetime
    sequence: int  # tie-breaker: the record id


def current_event(events):
    """Return the TimelineEvent that gives the shipment its state, or None.

    - The furthest progress or terminal event (highest rank, then latest time,
      then highest id) gives the state.
    - An exception whose event time is at or after the latest progress event
      holds the shipment in "exception", unless a terminal event was reached;
      a progress event timed after it resolves it.
    - Administrative events (order confirmed, invoice approved) never change it.
    """
    events = list(events)
    movers = [e for e in events if e.category in STATE_CATEGORIES]
    exceptions = [e for e in events if e.category == "exception"]
    furthest = max(movers, key=lambda e: (e.rank, e.event_time, e.sequence), default=None)
    if furthest is not None and furthest.category == "terminal":
        return furthest
    if exceptions:
        latest_exception = max(exceptions, key=lambda e: (e.event_time, e.sequence))
        latest_progress_time = max((e.event_time for e in movers), default=None)
        if latest_progress_time is None or latest_exception.event_time >= latest_progress_time:
            return latest_exception
    return furthest


def derive_state(events):
    """Return the shipment state for an iterable of TimelineEvent (see ``current_event``)."""
    event = current_event(events)
    if event is None:
        return DRAFT
    return "exception" if event.category == "exception" else event.code


def timeline_order(events):
    """Return the events as a timeline shows them, newest first.

    The same reading as ``current_event``: the event that gives the state comes
    first, then the others by canonical rank, event time and id, highest first,
    so an acknowledgement recorded after the delivery never sits above it. An
    exception has no place in the lifecycle of its own: it sits at the rank the
    shipment had reached when it happened (above the event it followed).
    """
    events = list(events)
    others = [e for e in events if e.category != "exception"]

    def position(e):
        if e.category != "exception":
            return (e.rank, e.event_time, 0, e.sequence)
        reached = max((o.rank for o in others if o.event_time <= e.event_time), default=0)
        return (reached, e.event_time, 1, e.sequence)

    ordered = sorted(events, key=position, reverse=True)
    current = current_event(events)
    if current is not None:
        ordered.remove(current)
        ordered.insert(0, current)
    return ordered
