"""Child processes of the demo: started, watched over HTTP, stopped in order."""

from __future__ import annotations

import logging
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import requests

_logger = logging.getLogger(__name__)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def interrupt_on_sigterm() -> None:
    """Let SIGTERM (``kill``, ``timeout``) interrupt the main thread as Ctrl-C does: the
    ``finally`` blocks that stop the child processes, drop the databases and remove the work
    directories then run, where by default the process would end on the spot and leave
    them all behind."""
    signal.signal(signal.SIGTERM, signal.default_int_handler)


class ProcessFailed(Exception):
    """A child process exited or never became ready."""


class ManagedProcess:
    """One child process with its output in a log file."""

    def __init__(
        self, name: str, command: list[str], log_path: Path, env: dict[str, str] | None = None
    ) -> None:
        self.name = name
        self.command = command
        self.log_path = log_path
        self.env = env
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        environment = dict(os.environ, **(self.env or {}))
        self._process = subprocess.Popen(
            self.command, stdout=log, stderr=subprocess.STDOUT, env=environment
        )
        log.close()
        _logger.info("%s started (pid %s), log: %s", self.name, self._process.pid, self.log_path)

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int:
        if self._process is None:
            raise ProcessFailed(f"{self.name} was not started")
        return self._process.pid

    def wait_output(self, pattern: re.Pattern[str], timeout: float) -> re.Match[str]:
        """Wait until the log shows ``pattern`` (e.g. the line naming the port it bound)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = pattern.search(self.log_path.read_text(errors="replace"))
            if match:
                return match
            if not self.running:
                raise ProcessFailed(f"{self.name} exited early:\n{self.tail()}")
            time.sleep(0.05)
        raise ProcessFailed(f"{self.name} did not log {pattern.pattern!r} in {timeout:.0f}s")

    def wait_http(self, url: str, timeout: float) -> None:
        """Wait until ``url`` answers 200, or fail with the end of the log."""
        self._wait_answer("GET", url, {}, 200, timeout)

    def wait_endpoint(self, bridge_url: str, code: str, timeout: float) -> None:
        """Wait until a bridge serves endpoint ``code`` (once it has Odoo's registry).

        The probe carries no event: a served endpoint refuses its content type (415)
        before reading anything, an endpoint the bridge does not know is a 404.
        """
        headers = {"Content-Type": "application/x-endpoint-probe"}
        self._wait_answer("POST", f"{bridge_url}/v1/in/{code}", headers, 415, timeout)

    def _wait_answer(
        self, method: str, url: str, headers: dict[str, str], status: int, timeout: float
    ) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running:
                raise ProcessFailed(f"{self.name} exited early:\n{self.tail()}")
            try:
                if requests.request(method, url, headers=headers, timeout=2).status_code == status:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise ProcessFailed(
            f"{self.name}: {method} {url} did not answer {status} in {timeout:.0f}s:\n{self.tail()}"
        )

    def stop(self, timeout: float = 20.0) -> int | None:
        """SIGTERM, then SIGKILL after ``timeout``; returns the exit code (None: not started)."""
        if self._process is None:
            return None
        if self.running:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(timeout)
            except subprocess.TimeoutExpired:
                _logger.warning("%s did not stop in %.0fs: killing it", self.name, timeout)
                self._process.kill()
                self._process.wait(5)
        return self._process.returncode

    def kill(self) -> None:
        """SIGKILL, as a crash would: no cleanup runs."""
        if self.running and self._process is not None:
            self._process.kill()
            self._process.wait(10)

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"
