"""Periodic heartbeat of one bridge to Odoo (``logistics.bridge.instance.report_heartbeat``).

Every ``heartbeat_seconds`` the bridge tells Odoo, as the same technical user and
over the same JSON-RPC as forwarding, how its inbox stands: events per state,
oldest pending age, last Odoo error, its version and host, the endpoints it serves and
the version of Odoo's endpoint registry they come from. Odoo shows a bridge as stale
when these stop. A heartbeat that cannot be delivered is only logged: the next one
carries fresher figures anyway, so nothing is queued or retried.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable

from pydantic import BaseModel, Field

from . import __version__
from .background import BackgroundLoop
from .exceptions import InboxError, OdooError
from .odoo_client import OdooClient
from .routing import RouteTable
from .store import Inbox

_logger = logging.getLogger(__name__)

HEARTBEAT_MODEL = "logistics.bridge.instance"
HEARTBEAT_METHOD = "report_heartbeat"


class HeartbeatReport(BaseModel):
    """The heartbeat's body; Odoo validates the same contract on its side."""

    bridge_id: str = Field(min_length=1, max_length=128)
    host: str = Field(min_length=1, max_length=255)
    version: str
    endpoints: list[str]
    counts: dict[str, int]
    oldest_pending_age_seconds: float | None
    last_odoo_error: str | None
    last_odoo_error_at: str | None
    interval_seconds: float = Field(gt=0)
    registry_version: int | None = Field(
        description="Version of Odoo's endpoint registry in force; None: the TOML bootstrap."
    )


def default_bridge_id(port: int) -> str:
    """``<host name>:<port>``: unique per bridge process on a network."""
    return f"{socket.gethostname()}:{port}"


class HeartbeatReporter(BackgroundLoop):
    """Sends a heartbeat at start, then every ``interval_seconds`` and whenever ``wake()``
    is called (a new registry in force), until ``stop()``."""

    thread_name = "heartbeat"

    def __init__(
        self,
        inbox: Inbox,
        client: OdooClient,
        *,
        bridge_id: str,
        table: Callable[[], RouteTable],
        interval_seconds: float,
    ) -> None:
        self.inbox = inbox
        self.client = client
        self.bridge_id = bridge_id
        self.table = table
        self.interval_seconds = interval_seconds
        super().__init__()
        self._failing = False

    def build_report(self) -> HeartbeatReport:
        """The heartbeat from the inbox's current status (raises ``InboxError``)."""
        status = self.inbox.status()
        table = self.table()
        return HeartbeatReport(
            bridge_id=self.bridge_id,
            host=socket.gethostname(),
            version=__version__,
            endpoints=sorted(table.routes),
            counts=status.counts,
            oldest_pending_age_seconds=status.oldest_pending_age_seconds,
            last_odoo_error=status.last_odoo_error,
            last_odoo_error_at=status.last_odoo_error_at,
            interval_seconds=self.interval_seconds,
            registry_version=table.version,
        )

    def send_once(self) -> bool:
        """Send one heartbeat; return whether Odoo recorded it (failures are logged)."""
        try:
            report = self.build_report()
            self.client.execute_kw(HEARTBEAT_MODEL, HEARTBEAT_METHOD, [report.model_dump()])
        except (InboxError, OdooError) as exc:
            # Logged loudly once per outage, not at every beat.
            log = _logger.debug if self._failing else _logger.warning
            log("heartbeat of bridge %s not delivered: %s", self.bridge_id, exc)
            self._failing = True
            return False
        if self._failing:
            _logger.info("heartbeat of bridge %s delivered again", self.bridge_id)
        self._failing = False
        return True

    def run(self) -> None:
        """Loop until ``stop()``."""
        _logger.info("heartbeat of bridge %s every %.0fs", self.bridge_id, self.interval_seconds)
        while not self._stop.is_set():
            self.send_once()
            self._pause(self.interval_seconds)
