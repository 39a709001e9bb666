"""Factory that wires settings into an inbox, metrics, an Odoo client, a forwarder, an app,
a heartbeat and the follower of Odoo's endpoint registry."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from .app import BridgeApp
from .config import BridgeSettings
from .exceptions import ConfigError
from .forwarder import Forwarder
from .heartbeat import HeartbeatReporter, default_bridge_id
from .metrics import BridgeMetrics
from .odoo_client import OdooClient
from .registry import RegistryCache, RegistryFollower
from .server import BridgeServer, ConnectionLimits
from .store import Inbox, SqliteInbox, open_inbox

_logger = logging.getLogger(__name__)


@dataclass
class BridgeService:
    """Everything one ``serve`` process runs."""

    settings: BridgeSettings
    inbox: Inbox
    metrics: BridgeMetrics
    app: BridgeApp
    server: BridgeServer
    client: OdooClient | None
    forwarders: list[Forwarder]
    heartbeat: HeartbeatReporter | None = None
    registry: RegistryFollower | None = None

    def start(self) -> None:
        """Start the background threads (if any) and the HTTP server."""
        self.start_background()
        self.server.start()

    def start_background(self) -> None:
        """Start the registry follower, the forwarder and the heartbeat, those configured."""
        if self.registry is not None:
            self.registry.start()
        for forwarder in self.forwarders:
            forwarder.start()
        if self.heartbeat is not None:
            self.heartbeat.start()

    def stop_background(self) -> None:
        """Stop the forwarders after their current batch (the HTTP server is already quiet)."""
        for forwarder in self.forwarders:
            forwarder.stop(timeout=self.settings.odoo.timeout_seconds + 10)
        if self.heartbeat is not None:
            self.heartbeat.stop(timeout=self.settings.odoo.timeout_seconds + 5)
        if self.registry is not None:
            self.registry.stop(timeout=self.settings.odoo.timeout_seconds + 5)

    def close(self) -> None:
        """Stop everything still running and close the inbox."""
        self.stop_background()
        for forwarder in self.forwarders:
            forwarder.client.close()
        if self.client is not None:
            self.client.close()
        if self.heartbeat is not None:
            self.heartbeat.client.close()
        if self.registry is not None:
            self.registry.client.close()
        self.inbox.close()

    def shutdown(self) -> None:
        """Graceful stop: no new connections, finish requests, finish the batch, close."""
        self.server.shutdown(before_close=self.stop_background)
        self.close()


def build_service(settings: BridgeSettings, *, forward: bool = True) -> BridgeService:
    """Build (not start) a bridge from settings."""
    inbox = open_inbox(settings.inbox_url)
    try:
        cache_path = settings.registry_cache_path if settings.registry_enabled else None
        if settings.registry_enabled and cache_path is None:
            raise ConfigError("registry.cache_path is required with a PostgreSQL inbox")
        metrics = BridgeMetrics(inbox.counts, lambda: inbox.status().oldest_pending_age_seconds)
        client = None
        if settings.odoo.configured:
            client = OdooClient(settings.odoo)
        elif forward:
            raise ConfigError("forwarding needs odoo.url, odoo.db, odoo.login and odoo.api_key")
        forwarders = []
        if forward and client is not None:
            if isinstance(inbox, SqliteInbox):
                # A SQLite inbox belongs to one process: leases left by a killed run are void.
                released = inbox.release_all_claims()
                if released:
                    _logger.info("released %d lease(s) left by a previous run", released)
            # One client per lane: requests sessions are not shared between threads.
            forwarders = [
                Forwarder(inbox, OdooClient(settings.odoo), settings.forward, metrics)
                for _lane in range(settings.forward.lanes)
            ]
        app = BridgeApp(settings, inbox, metrics, client.probe if client else None)
        server = BridgeServer(
            app,
            settings.listen_host,
            settings.listen_port,
            settings.threads,
            settings.max_body_bytes,
            ConnectionLimits(
                settings.max_connections,
                settings.header_timeout_seconds,
                settings.idle_timeout_seconds,
                settings.body_timeout_seconds,
            ),
        )
        bridge_id = settings.bridge_id or default_bridge_id(server.port)
        heartbeat = None
        # The heartbeat and the follower have an OdooClient each: requests sessions are not
        # shared between threads.
        if client is not None and settings.heartbeat_seconds > 0:
            heartbeat = HeartbeatReporter(
                inbox,
                OdooClient(settings.odoo),
                bridge_id=bridge_id,
                table=lambda: app.table,
                interval_seconds=settings.heartbeat_seconds,
            )
        registry = None
        if cache_path is not None:
            registry = RegistryFollower(
                app,
                OdooClient(settings.odoo),
                RegistryCache(cache_path),
                poll_seconds=settings.registry.poll_seconds,
                inbox=inbox,
                bridge_id=bridge_id,
                on_install=heartbeat.wake if heartbeat is not None else None,
            )
            registry.load_cache()
    except BaseException:
        inbox.close()
        raise
    return BridgeService(
        settings, inbox, metrics, app, server, client, forwarders, heartbeat, registry
    )
