"""The one way the bridge runs work beside its HTTP server: a loop in a daemon thread
that ``stop()`` ends after the iteration in flight (forwarder, heartbeat, registry)."""

from __future__ import annotations

import threading


class BackgroundLoop:
    """Subclasses implement ``run()``, looping until ``self._stop`` is set and waiting on
    it between iterations, so that ``stop()`` wakes them at once; a loop that pauses with
    ``_pause()`` is also woken early by ``wake()``."""

    thread_name = "background"

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def run(self) -> None:
        """The loop; returns once ``stop()`` was called."""
        raise NotImplementedError

    def start(self) -> threading.Thread:
        """Run the loop in a thread of its own."""
        self._thread = threading.Thread(target=self.run, name=self.thread_name, daemon=True)
        self._thread.start()
        return self._thread

    def wake(self) -> None:
        """End the pause in progress, or the next one, at once."""
        self._wake.set()

    def _pause(self, seconds: float) -> None:
        self._wake.wait(seconds)
        self._wake.clear()

    def stop(self, timeout: float | None = None) -> None:
        """Ask the loop to stop and wait for the iteration in flight."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
