"""Group commit: concurrent requests share one transaction, so one fsync serves them all.

Each request queues its events; whichever request takes the write lock first (the leader)
writes everything queued so far in one transaction and commits; the others, finding their
events already written, return at once. No request returns before its events are durable.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..exceptions import InboxError
from ..models import AddResult, NewEvent


@dataclass
class QueuedRequest:
    """One request's events waiting for a commit, and what the commit gave them."""

    events: Sequence[NewEvent]
    result: list[AddResult] | None = None
    error: InboxError | None = None
    done: bool = False


class GroupCommit:
    """Queues requests and has one leader write each group through ``write_group``, which
    stores the group in one transaction and sets every request's ``result`` or ``error``."""

    def __init__(self, write_group: Callable[[list[QueuedRequest]], None]) -> None:
        self._write_group = write_group
        self.write_lock = threading.Lock()  # held by the leader while its group is written
        self._queue_lock = threading.Lock()
        self._queue: list[QueuedRequest] = []

    def submit(self, events: Sequence[NewEvent]) -> list[AddResult]:
        """Store ``events`` all-or-nothing with whatever else is queued; returns once they
        are committed, raises the ``InboxError`` that refused them otherwise."""
        request = QueuedRequest(events)
        with self._queue_lock:
            self._queue.append(request)
        with self.write_lock:
            if not request.done:
                with self._queue_lock:
                    group, self._queue = self._queue, []
                self._write_group(group)
        if request.error is not None:
            raise request.error
        assert request.result is not None
        return request.result
