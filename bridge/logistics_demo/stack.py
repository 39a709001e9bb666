"""Odoo and bridges as processes, configured the way an administrator does it.

A bridge started here has a TOML file with its own process settings and the ``[odoo]``
table Odoo's *Settings > Logistics > Connect a bridge* gave, nothing else: its endpoints
come from Odoo's registry.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .driver import DemoDriver
from .odoo_instance import OdooInstance
from .processes import ManagedProcess, free_port


@dataclass
class OdooServer:
    """The running Odoo of a test module and its administrator's JSON-RPC."""

    instance: OdooInstance
    process: ManagedProcess
    admin: DemoDriver

    @property
    def url(self) -> str:
        return self.instance.url

    def start(self) -> None:
        self.process.start()
        self.process.wait_http(f"{self.url}/web/health", 180)

    def stop(self) -> None:
        self.process.stop()


@dataclass
class Bridge:
    """One bridge process, its configuration file and its address."""

    name: str
    config: Path
    url: str
    process: ManagedProcess

    def command(self, *arguments: str) -> subprocess.CompletedProcess[str]:
        """``logistics-bridge <arguments>`` with this bridge's configuration."""
        return subprocess.run(
            [sys.executable, "-m", "logistics_bridge", *arguments],
            env=dict(os.environ, LOGISTICS_BRIDGE_CONFIG=str(self.config)),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def status(self) -> dict[str, Any]:
        """``logistics-bridge status --json``: the inbox's counts and the registry in force."""
        run = self.command("status", "--json")
        run.check_returncode()
        return json.loads(run.stdout)

    def restart(self) -> None:
        self.process.stop()
        self.process.start()
        self.process.wait_http(f"{self.url}/healthz", 60)


@dataclass
class BridgeFleet:
    """Bridges started next to one Odoo, stopped together."""

    workdir: Path
    started: list[Bridge] = field(default_factory=list)

    def start(
        self,
        name: str,
        odoo_table: str,
        *,
        heartbeat_seconds: float = 0,
        registry_poll_seconds: float = 1,
    ) -> Bridge:
        """A bridge whose TOML is its process settings and ``odoo_table`` as Odoo wrote it."""
        directory = self.workdir / name
        directory.mkdir()
        port = free_port()
        config = directory / "bridge.toml"
        config.write_text(
            f"""\
listen_host = "127.0.0.1"
listen_port = {port}
inbox_url = "sqlite:///{directory / "inbox.sqlite3"}"
bridge_id = "{name}"
heartbeat_seconds = {heartbeat_seconds}

[registry]
poll_seconds = {registry_poll_seconds}

[forward]
max_wait_seconds = 0.2
backoff_cap_seconds = 2

{odoo_table}"""
        )
        process = ManagedProcess(
            name,
            [sys.executable, "-m", "logistics_bridge", "serve"],
            directory / "bridge.log",
            {"LOGISTICS_BRIDGE_CONFIG": str(config)},
        )
        bridge = Bridge(name, config, f"http://127.0.0.1:{port}", process)
        self.started.append(bridge)
        process.start()
        process.wait_http(f"{bridge.url}/healthz", 60)
        return bridge

    def stop_all(self) -> None:
        for bridge in reversed(self.started):
            bridge.process.stop()
