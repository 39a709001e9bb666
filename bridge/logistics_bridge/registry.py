"""Endpoints from Odoo: the bridge follows Odoo's endpoint registry without a restart.

Odoo serves the registry document (``logistics.bridge.registry`` / ``registry``) with a
version that grows with every change. The bridge asks for the version every
``registry.poll_seconds`` and reads the document only when it differs from the one it runs.
A document is validated whole and its routes are built before they replace the running
ones in one assignment, so a request is served either by the old endpoints or by the new
ones. An invalid document is logged with the reason and the last good one stays in force.

The last good document is kept on disk (owner-only, replaced atomically) and served from at
the next start until Odoo answers. A version lower than the running one is never installed:
a stale cache, or an Odoo restored from an older backup, cannot bring back revoked secrets.
The TOML endpoints are the bootstrap, in force only while no registry was ever loaded.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from logistics_contract.registry import Registry
from pydantic import BaseModel, Field, StrictInt, ValidationError

from .app import BridgeApp
from .background import BackgroundLoop
from .config import BridgeSettings, describe_validation_error, endpoints_problems
from .endpoints import EndpointSettings
from .exceptions import ConfigError, InboxError, OdooError, OdooProtocolError, RegistryInvalid
from .logsafe import log_field
from .odoo_client import OdooClient
from .registry_record import META_KEY
from .routing import RouteSource, RouteTable, build_routes
from .store import Inbox

_logger = logging.getLogger(__name__)

REGISTRY_MODEL = "logistics.bridge.registry"


class VersionStamp(BaseModel):
    """``registry_version``'s answer."""

    version: StrictInt = Field(ge=0)


def build_table(
    document: Any, settings: BridgeSettings, source: RouteSource
) -> tuple[Registry, RouteTable]:
    """A registry document, validated, and its routes; ``RegistryInvalid`` says why not
    (never with a secret)."""
    try:
        registry = Registry.model_validate(document)
    except ValidationError as exc:
        raise RegistryInvalid("; ".join(describe_validation_error(exc))) from None
    problems = endpoints_problems(registry.endpoints, settings.public_base_url)
    if problems:
        raise RegistryInvalid("; ".join(problems))
    try:
        routes = build_routes(
            registry.endpoints, settings.signature_tolerance_seconds, settings.public_base_url
        )
    except (ConfigError, ValueError) as exc:
        raise RegistryInvalid(str(exc)) from None
    return registry, RouteTable(registry.endpoints, routes, registry.version, source)


def describe(table: RouteTable) -> str:
    """``version 42 from odoo``, or ``the TOML bootstrap``."""
    if table.version is None:
        return "the TOML bootstrap"
    return f"version {table.version} from {table.source}"


class RegistryCache:
    """The last good registry document on disk: owner-only, replaced atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> Any:
        """The cached document as parsed JSON, None when there is none.

        Raises ``RegistryInvalid`` when the file cannot be read or is not JSON.
        """
        try:
            with self.path.open("rb") as handle:
                mode = os.fstat(handle.fileno()).st_mode
                raw = handle.read()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise RegistryInvalid(f"cannot read {self.path}: {exc.strerror}") from None
        if mode & 0o077:
            _logger.warning(
                "registry cache %s holds secrets and is open to others (mode %o); it is"
                " written 0600 at the next change",
                self.path,
                mode & 0o777,
            )
        try:
            return json.loads(raw)
        except ValueError:
            raise RegistryInvalid(f"{self.path} is not JSON") from None

    def write(self, document: Mapping[str, Any]) -> None:
        """Replace the cache with ``document`` (raises ``OSError``).

        Written to a temporary file of the same directory (created 0600), flushed to disk,
        renamed over the cache, then the directory entry is flushed too: a reader, or the
        next start after a crash, finds the previous document or this one, never a part.
        """
        directory = self.path.parent
        descriptor, temporary = tempfile.mkstemp(
            prefix=f".{self.path.name}.", suffix=".tmp", dir=directory
        )
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(json.dumps(document, separators=(",", ":")).encode())
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        directory_descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(directory_descriptor)
        finally:
            os.close(directory_descriptor)


class RegistryFollower(BackgroundLoop):
    """Keeps a ``BridgeApp``'s endpoints equal to Odoo's registry (see the module doc)."""

    thread_name = "registry"

    def __init__(
        self,
        app: BridgeApp,
        client: OdooClient,
        cache: RegistryCache,
        *,
        poll_seconds: float,
        inbox: Inbox,
        bridge_id: str,
        on_install: Callable[[], None] | None = None,
    ) -> None:
        self.app = app
        self.client = client
        self.cache = cache
        self.poll_seconds = poll_seconds
        self.inbox = inbox
        self.bridge_id = bridge_id
        # Odoo learns the version in force from the heartbeat: told at once, it does not show
        # this bridge as behind its registry for a whole heartbeat interval.
        self.on_install = on_install
        super().__init__()
        self._failing = False
        # A version already refused or already warned about is not read again: the next
        # change in Odoo gives a new version.
        self._refused_version: int | None = None
        self._lower_version: int | None = None

    @property
    def running(self) -> RouteTable:
        """The endpoints in force."""
        return self.app.table

    def load_cache(self) -> bool:
        """Install the cached registry if there is a good one (True), before Odoo answers;
        record what is in force either way."""
        installed = False
        try:
            document = self.cache.read()
            if document is not None:
                installed = self._install(build_table(document, self.app.settings, "cache")[1])
        except RegistryInvalid as exc:
            _logger.warning(
                "registry cache %s not used: %s", self.cache.path, log_field(exc, limit=2000)
            )
        if not installed:
            self._record(self.running)
        return installed

    def poll_once(self) -> bool:
        """Compare Odoo's version with the running one; read, check and install the registry
        when it is newer (or equal to one from the cache). True when one was installed.

        Raises ``OdooError`` (Odoo unreachable or refusing) and ``RegistryInvalid``.
        """
        version = self._version()
        running = self.running
        if running.version is not None:
            if version < running.version:
                if version != self._lower_version:
                    _logger.warning(
                        "Odoo's registry version %d is lower than the running %s; ignored"
                        " (if Odoo's database was replaced, delete %s and restart)",
                        version,
                        describe(running),
                        self.cache.path,
                    )
                    self._lower_version = version
                return False
            # The same version read from the cache is read once from Odoo to confirm it.
            if version == running.version and running.source == "odoo":
                return False
        if version == self._refused_version:
            return False
        document = self.client.execute_kw(REGISTRY_MODEL, "registry", [])
        try:
            registry, table = build_table(document, self.app.settings, "odoo")
        except RegistryInvalid:
            self._refused_version = version
            raise
        if not self._install(table):
            return False
        try:
            self.cache.write(registry.document())
        except OSError as exc:
            _logger.error(
                "registry version %d is in force but could not be kept in %s: %s",
                table.version,
                self.cache.path,
                exc,
            )
        return True

    def _version(self) -> int:
        answer = self.client.execute_kw(REGISTRY_MODEL, "registry_version", [])
        try:
            return VersionStamp.model_validate(answer).version
        except ValidationError:
            raise OdooProtocolError("registry_version did not answer {version: int}") from None

    def _install(self, table: RouteTable) -> bool:
        """Serve ``table`` unless it is older than the running one (True when installed)."""
        running = self.running
        if (
            running.version is not None
            and table.version is not None
            and table.version < running.version
        ):
            _logger.warning(
                "registry version %d from %s is lower than the running %s; ignored",
                table.version,
                table.source,
                describe(running),
            )
            return False
        self.app.install(table)
        _log_change(running, table)
        self._record(table)
        if self.on_install is not None:
            self.on_install()
        return True

    def _record(self, table: RouteTable) -> None:
        value = {"version": table.version, "source": table.source, "bridge_id": self.bridge_id}
        try:
            self.inbox.set_meta(META_KEY, json.dumps(value))
        except InboxError as exc:
            _logger.warning("registry in force not recorded in the inbox: %s", exc)

    # -- thread ---------------------------------------------------------------------------
    def poll_logged(self) -> None:
        """``poll_once``, its failures logged (an outage once, not at every poll)."""
        try:
            self.poll_once()
        except OdooError as exc:
            log = _logger.debug if self._failing else _logger.warning
            log("registry not read from Odoo, %s stays in force: %s", describe(self.running), exc)
            self._failing = True
            return
        except RegistryInvalid as exc:
            _logger.error(
                "registry version %s from Odoo refused, %s stays in force: %s",
                self._refused_version,
                describe(self.running),
                log_field(exc, limit=4000),
            )
        if self._failing:
            _logger.info("registry read from Odoo again, %s in force", describe(self.running))
        self._failing = False

    def run(self) -> None:
        """Poll until ``stop()``, the first time at once."""
        _logger.info("following Odoo's endpoint registry every %gs", self.poll_seconds)
        while not self._stop.is_set():
            self.poll_logged()
            self._stop.wait(self.poll_seconds)


def _log_change(old: RouteTable, new: RouteTable) -> None:
    """One line per change: versions and endpoint codes, never a setting's value."""
    added = sorted(new.endpoints.keys() - old.endpoints.keys())
    removed = sorted(old.endpoints.keys() - new.endpoints.keys())
    changed = sorted(
        code
        for code in new.endpoints.keys() & old.endpoints.keys()
        if new.endpoints[code] != old.endpoints[code]
    )
    _logger.info(
        "registry %s in force (was %s): %d endpoint(s); added: %s; removed: %s; changed: %s",
        describe(new),
        describe(old),
        len(new.endpoints),
        ", ".join(added) or "none",
        ", ".join(removed) or "none",
        ", ".join(changed) or "none",
    )
    if old.version is None and removed:
        _logger.warning(
            "TOML endpoint(s) %s are not in Odoo's registry and no longer served;"
            " write them into Odoo with: logistics-bridge export-endpoints --apply",
            ", ".join(removed),
        )


def endpoint_summary(endpoint: EndpointSettings) -> str:
    """What an endpoint is, in one line without any secret: format, paths, schemes."""
    parts = [f"format {endpoint.format}"]
    parts += [
        f"{name} {getattr(endpoint, name)}"
        for name in ("event_id_path", "shipment_key_path", "split_path")
        if getattr(endpoint, name) is not None
    ]
    recipes = [f"{recipe.scheme} ({len(recipe.secrets)} secret(s))" for recipe in endpoint.auth]
    parts.append(f"auth {' + '.join(recipes)}" if recipes else "no auth")
    return ", ".join(parts)


def export_document(endpoints: Mapping[str, EndpointSettings]) -> dict[str, Any]:
    """``import_endpoints``'s argument: each endpoint as a registry entry, secrets in clear."""
    return {code: endpoint.document() for code, endpoint in endpoints.items()}


class ImportAnswer(BaseModel):
    """``import_endpoints``'s answer: endpoint codes by what Odoo did with them."""

    created: list[str]
    updated: list[str]
    unchanged: list[str]
