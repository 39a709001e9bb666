"""Group commit: concurrent requests share one transaction, so one fsync serves them all.

Each request queues its events and waits; one writer thread takes every request queued
since its last commit, writes them in one transaction (``write_group``), commits, and wakes
each of them. No request returns before its events are durable.

The writer is a thread of its own, not one of the waiting requests: a leader elected among
them had its followers pass the write lock one by one to learn that their events were
written, each pass waiting for the interpreter lock behind busy request threads, and the
next group could not start until the last of them had passed. The more senders, the longer
that queue, the smaller the groups: throughput fell as concurrency rose. Here a commit is
followed at once by the next, which takes everything that arrived meanwhile.

Requests of the HTTP front's event loop do not wait in a thread: ``submit_soon`` queues
them with a callback. The requests one pass of the loop submits reach the writer together,
with one wake-up, and once their group is committed the writer hands the loop every answer
of the group in one wake-up (``call_soon_threadsafe``), not one per request.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..exceptions import InboxError
from ..models import AddResult, NewEvent

_logger = logging.getLogger(__name__)


def _held_lock() -> threading.Lock:
    lock = threading.Lock()
    lock.acquire()
    return lock


@dataclass(eq=False, slots=True)
class QueuedRequest:
    """One request's events waiting for a commit, and what the commit gave them."""

    events: Sequence[NewEvent]
    result: list[AddResult] | None = None
    error: InboxError | None = None
    done: bool = False
    # A request of a waiting thread (``submit``): held from the start, released once the
    # commit answered the request, which is woken by one release, not by an Event's
    # condition and its second lock hand-off.
    answered: threading.Lock | None = field(default=None, repr=False)
    # A request of an event loop: called on ``loop`` with the request once committed,
    # instead of ``answered`` being released.
    loop: asyncio.AbstractEventLoop | None = None
    callback: Callable[[QueuedRequest], None] | None = None

    def outcome(self) -> list[AddResult]:
        """The commit's results for these events; the ``InboxError`` that refused them
        raised otherwise."""
        if self.error is not None:
            raise self.error
        assert self.result is not None
        return self.result


class GroupCommit:
    """Queues requests; a writer thread, started with the first, has ``write_group`` store
    every request queued since its last commit in one transaction and set each request's
    ``result`` or ``error``; between two commits it runs ``upkeep`` when asked to
    (``request_upkeep``), work that must not wait on the caller's thread."""

    def __init__(
        self, write_group: Callable[[list[QueuedRequest]], None], upkeep: Callable[[], None]
    ) -> None:
        self._write_group = write_group
        self._upkeep = upkeep
        self.write_lock = threading.Lock()  # held by the writer while a group is written
        self._queue_changed = threading.Condition()
        self._queue: list[QueuedRequest] = []
        self._writer: threading.Thread | None = None
        self._closed = False
        self._upkeep_asked = False
        # Requests of each event loop's current pass, queued together at its end.
        self._passes: dict[asyncio.AbstractEventLoop, list[QueuedRequest]] = {}

    def submit(self, events: Sequence[NewEvent]) -> list[AddResult]:
        """Store ``events`` all-or-nothing with whatever else is queued; returns once they
        are committed, raises the ``InboxError`` that refused them otherwise."""
        answered = _held_lock()
        request = QueuedRequest(events, answered=answered)
        self._enqueue(request)
        answered.acquire()
        return request.outcome()

    def submit_soon(
        self,
        events: Sequence[NewEvent],
        loop: asyncio.AbstractEventLoop,
        callback: Callable[[QueuedRequest], None],
    ) -> None:
        """Queue ``events`` like ``submit`` without waiting: once they are committed (or
        refused), ``callback(request)`` runs on ``loop``; ``request.outcome()`` tells which.
        Called on ``loop``; the requests of one pass of the loop are queued at its end,
        together."""
        request = QueuedRequest(events, loop=loop, callback=callback)
        this_pass = self._passes.get(loop)
        if this_pass is None:
            this_pass = self._passes[loop] = []
            loop.call_soon(self._queue_pass, loop)
        this_pass.append(request)

    def _queue_pass(self, loop: asyncio.AbstractEventLoop) -> None:
        requests = self._passes.pop(loop)
        try:
            self._enqueue(*requests)
        except InboxError as exc:
            for request in requests:
                request.error = exc
            _call_back(requests)

    def _enqueue(self, *requests: QueuedRequest) -> None:
        with self._queue_changed:
            if self._closed:
                raise InboxError("the inbox is closed")
            self._start_writer()
            self._queue.extend(requests)
            self._queue_changed.notify()

    def request_upkeep(self) -> None:
        """Have the writer run ``upkeep`` once, after the group it is writing (if any);
        returns at once."""
        if self._upkeep_asked:  # asked already: no lock taken on every request meanwhile
            return
        with self._queue_changed:
            if self._closed:
                return
            self._start_writer()
            self._upkeep_asked = True
            self._queue_changed.notify()

    def _start_writer(self) -> None:
        """Start the writer thread if it is not running (called holding ``_queue_changed``)."""
        if self._writer is None:
            self._writer = threading.Thread(
                target=self._write_queued, name="inbox-group-commit", daemon=True
            )
            self._writer.start()

    def close(self, timeout: float = 30.0) -> None:
        """Commit what is queued, then stop the writer; later submissions are refused."""
        with self._queue_changed:
            self._closed = True
            self._queue_changed.notify()
            writer = self._writer
        if writer is not None:
            writer.join(timeout)

    def _write_queued(self) -> None:
        while True:
            with self._queue_changed:
                while not self._queue and not self._closed and not self._upkeep_asked:
                    self._queue_changed.wait()
                group, self._queue = self._queue, []
                upkeep = self._upkeep_asked
            if group:
                self._write(group)
            if upkeep:
                self._run_upkeep()
            elif not group:  # closed, and nothing left to write
                return

    def _write(self, group: list[QueuedRequest]) -> None:
        try:
            with self.write_lock:
                self._write_group(group)
        except Exception as exc:  # every request must get an answer, none a false one
            _logger.exception("group commit failed for %d request(s)", len(group))
            for request in group:
                request.result = None
                request.error = InboxError(f"cannot commit events: {exc}")
        finally:
            _answer(group)

    def _run_upkeep(self) -> None:
        try:
            with self.write_lock:
                self._upkeep()
        except Exception:  # the writer must go on committing whatever upkeep does
            _logger.exception("the inbox writer's upkeep failed")
        finally:
            self._upkeep_asked = False


def _answer(group: list[QueuedRequest]) -> None:
    """Wake every request of a committed group: a thread by its lock, the requests of an
    event loop by one call on that loop for all of them."""
    on_loop: dict[asyncio.AbstractEventLoop, list[QueuedRequest]] = {}
    for request in group:
        if request.loop is None:
            assert request.answered is not None  # a waiting thread's (``submit``)
            request.answered.release()
        else:
            on_loop.setdefault(request.loop, []).append(request)
    for loop, requests in on_loop.items():
        try:
            loop.call_soon_threadsafe(_call_back, requests)
        except RuntimeError:  # the loop is closed: nobody waits for these answers any more
            _logger.warning("%d answer(s) for a stopped event loop dropped", len(requests))


def _call_back(requests: list[QueuedRequest]) -> None:
    for request in requests:
        assert request.callback is not None
        request.callback(request)
