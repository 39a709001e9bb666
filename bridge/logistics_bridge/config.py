"""Bridge configuration: environment (``LOGISTICS_BRIDGE_*``) over an optional TOML file.

Precedence, highest first: environment variables, then the TOML file named by
``--config`` or ``LOGISTICS_BRIDGE_CONFIG``, then the defaults below. Nested
groups use ``__`` in environment names (``LOGISTICS_BRIDGE_ODOO__URL``).
Secrets are ``SecretStr`` so that they never appear in ``repr`` or logs.
"""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from logistics_contract.endpoint import ENDPOINT_CODE, ENDPOINT_CODE_RULE
from pydantic import BaseModel, Field, SecretStr, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from .endpoints import EndpointSettings, endpoint_problems
from .exceptions import ConfigError

ENV_PREFIX = "LOGISTICS_BRIDGE_"
CONFIG_ENV = "LOGISTICS_BRIDGE_CONFIG"
# The standardwebhooks library enforces its own 5-minute window on top of ours.
LIBRARY_TOLERANCE_SECONDS = 300


class OdooSettings(BaseModel):
    """Where and as whom the forwarder calls Odoo's JSON-RPC endpoint."""

    url: str | None = None
    db: str | None = None
    login: str | None = None
    api_key: SecretStr | None = None
    timeout_seconds: float = Field(default=30.0, gt=0)
    probe_timeout_seconds: float = Field(default=3.0, gt=0)

    @property
    def configured(self) -> bool:
        """Whether url, db, login and api_key are all set (Odoo can be called)."""
        return bool(self.url and self.db and self.login and self.api_key)


class RegistrySettings(BaseModel):
    """Following Odoo's endpoint registry (``logistics.bridge.registry``)."""

    enabled: bool | None = Field(
        default=None, description="Take the endpoints from Odoo; default: when odoo is set."
    )
    poll_seconds: float = Field(
        default=3.0, gt=0, le=3600, description="Seconds between two version checks."
    )
    cache_path: Path | None = Field(
        default=None,
        description="Last good registry (0600); default <inbox dir>/registry.json for SQLite.",
    )


class ForwardSettings(BaseModel):
    """How the forwarder batches, leases and backs off."""

    batch_size: int = Field(default=200, ge=1, le=10_000)
    lanes: int = Field(
        default=4,
        ge=1,
        le=32,
        description="Batches in flight to Odoo at once, each from a forwarder of its own; "
        "at most Odoo's HTTP workers less those its job runner may occupy.",
    )
    batch_seconds: float = Field(
        default=5.0,
        gt=0,
        description="Time one batch should take Odoo at most: a round that took longer sizes "
        "the next batch to take about this long at its pace, so that a loaded Odoo answers "
        "well within odoo.timeout_seconds.",
    )
    max_wait_seconds: float = Field(default=0.5, gt=0)
    backoff_base_seconds: float = Field(default=1.0, gt=0)
    backoff_cap_seconds: float = Field(default=60.0, gt=0)
    unreachable_retry_seconds: float = Field(
        default=1.0,
        gt=0,
        description="While Odoo refuses connections (stopped), seconds between two tries at "
        "most, whatever the backoff has grown to: a refused connection costs Odoo nothing, and "
        "a backlog starts draining within this of Odoo's return.",
    )
    lease_seconds: float = Field(default=120.0, gt=0)
    max_attempts: int = Field(
        default=20,
        ge=0,
        description="Per-event attempts without an answer before the event is failed; 0 = never.",
    )


class BridgeSettings(BaseSettings):
    """Every setting of the bridge; see ``bridge/bridge.toml.example``."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        extra="forbid",
    )

    listen_host: str = "127.0.0.1"
    listen_port: int = Field(default=8480, ge=0, le=65535)
    threads: int = Field(
        default=64,
        ge=1,
        le=256,
        description="Worker threads of the routes other than callbacks (/healthz, /readyz,"
        " /metrics, 404/405 answers); callbacks are answered on the event loop and wait"
        " for the group commit without a thread.",
    )
    max_connections: int = Field(
        default=1000,
        ge=1,
        le=50_000,
        description="Open connections served at once; a connection beyond gets 503 and is closed.",
    )
    header_timeout_seconds: int = Field(
        default=10,
        ge=1,
        le=300,
        description="Time to send a request's headers, from its first byte.",
    )
    body_timeout_seconds: int = Field(
        default=60,
        ge=1,
        le=3600,
        description="Time to send a request's body, from the end of its headers.",
    )
    idle_timeout_seconds: int = Field(
        default=10,
        ge=1,
        le=3600,
        description="A connection silent this long (no request yet, a stalled body, between"
        " requests) is closed.",
    )
    inbox_url: str = "sqlite:///var/lib/logistics-bridge/inbox.sqlite3"
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    high_water_mark: int = Field(default=100_000, ge=1)
    retry_after_seconds: int = Field(default=30, ge=1)
    signature_tolerance_seconds: int = Field(default=300, ge=1)
    retention_days: int = Field(default=14, ge=1)
    heartbeat_seconds: float = Field(
        default=30.0, ge=0, description="Seconds between heartbeats to Odoo; 0 = none."
    )
    public_base_url: str | None = Field(
        default=None,
        pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$",
        description="The URL senders call, e.g. https://hooks.example.com; signed by {url}.",
    )
    bridge_id: str | None = Field(
        default=None, max_length=128, description="Name in Odoo's bridge list; <host>:<port>."
    )
    endpoints: dict[str, EndpointSettings] = Field(
        default_factory=dict,
        description="Bootstrap endpoints, in force until a registry from Odoo is loaded:"
        " code -> a list of whsec_ secrets, or a table (format, paths, auth).",
    )
    odoo: OdooSettings = Field(default_factory=OdooSettings)
    forward: ForwardSettings = Field(default_factory=ForwardSettings)
    registry: RegistrySettings = Field(default_factory=RegistrySettings)

    @property
    def registry_enabled(self) -> bool:
        """Whether the endpoints come from Odoo's registry (explicit, else when Odoo is set)."""
        if self.registry.enabled is not None:
            return self.registry.enabled
        return self.odoo.configured

    @property
    def registry_cache_path(self) -> Path | None:
        """Where the last good registry is kept: the setting, else beside a SQLite inbox."""
        if self.registry.cache_path is not None:
            return self.registry.cache_path
        if urlsplit(self.inbox_url).scheme == "sqlite" and sqlite_path(self.inbox_url):
            return Path(sqlite_path(self.inbox_url)).parent / "registry.json"
        return None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))


def _settings_class(config_file: str | os.PathLike[str] | None) -> type[BridgeSettings]:
    path = config_file or os.environ.get(CONFIG_ENV)
    if not path:
        return BridgeSettings
    if not Path(path).is_file():
        raise ConfigError(f"configuration file {path} does not exist")

    class FileBridgeSettings(BridgeSettings):
        model_config = SettingsConfigDict(toml_file=Path(path))

    return FileBridgeSettings


def describe_validation_error(exc: ValidationError) -> list[str]:
    """Each problem as ``location: message``; never the input, which could be a secret."""
    problems = []
    for error in exc.errors(include_input=False, include_url=False):
        location = ".".join(str(part) for part in error["loc"]) or "(root)"
        problems.append(f"{location}: {error['msg']}")
    return problems


def load_settings(
    config_file: str | os.PathLike[str] | None = None, **overrides: object
) -> BridgeSettings:
    """Load settings; raise ``ConfigError`` listing every problem found (never secret values)."""
    settings_cls = _settings_class(config_file)
    try:
        return settings_cls(**overrides)
    except ValidationError as exc:
        raise ConfigError("; ".join(describe_validation_error(exc))) from None
    except (ValueError, OSError) as exc:  # unreadable TOML, malformed JSON in an env var
        raise ConfigError(f"cannot read configuration: {exc}") from None


def find_problems(settings: BridgeSettings, *, need_odoo: bool = True) -> list[str]:
    """Return every semantic problem of loaded settings (empty list when usable)."""
    problems: list[str] = []
    scheme = urlsplit(settings.inbox_url).scheme
    if scheme == "sqlite":
        path = sqlite_path(settings.inbox_url)
        directory = Path(path).parent if path else None
        if not path:
            problems.append(
                "inbox_url: sqlite URL has no path (use sqlite:///path/to/inbox.sqlite3)"
            )
        elif not directory.is_dir():
            problems.append(f"inbox_url: directory {directory} does not exist")
        elif not os.access(directory, os.W_OK):
            problems.append(f"inbox_url: directory {directory} is not writable")
    elif scheme not in ("postgresql", "postgres"):
        problems.append(f"inbox_url: unsupported scheme {scheme!r} (use sqlite or postgresql)")
    if not settings.endpoints and not settings.registry_enabled:
        problems.append(
            "endpoints: no endpoint configured and the registry is off,"
            " every callback would be refused"
        )
    problems.extend(endpoints_problems(settings.endpoints, settings.public_base_url))
    problems.extend(_registry_problems(settings))
    if settings.signature_tolerance_seconds > LIBRARY_TOLERANCE_SECONDS:
        problems.append(
            f"signature_tolerance_seconds: at most {LIBRARY_TOLERANCE_SECONDS}"
            " (the standardwebhooks window)"
        )
    if settings.forward.backoff_cap_seconds < settings.forward.backoff_base_seconds:
        problems.append("forward.backoff_cap_seconds: smaller than forward.backoff_base_seconds")
    if settings.forward.lease_seconds <= settings.odoo.timeout_seconds:
        problems.append("forward.lease_seconds: must exceed odoo.timeout_seconds")
    if need_odoo:
        odoo = settings.odoo
        for name in ("url", "db", "login", "api_key"):
            if getattr(odoo, name) in (None, ""):
                problems.append(f"odoo.{name}: missing")
        if odoo.url and urlsplit(odoo.url).scheme not in ("http", "https"):
            problems.append("odoo.url: must be an http:// or https:// URL")
    return problems


def endpoints_problems(
    endpoints: Mapping[str, EndpointSettings], public_base_url: str | None
) -> list[str]:
    """Every problem of a set of endpoints (from the TOML or from Odoo's registry)."""
    problems: list[str] = []
    for code, endpoint in endpoints.items():
        if not ENDPOINT_CODE.fullmatch(code):
            problems.append(
                f"endpoints.{code!r}: not reachable as /v1/in/<code>; use {ENDPOINT_CODE_RULE}"
            )
        problems.extend(endpoint_problems(code, endpoint, public_base_url=public_base_url))
    return problems


def _registry_problems(settings: BridgeSettings) -> list[str]:
    if settings.registry.enabled and not settings.odoo.configured:
        return ["registry.enabled: needs odoo.url, odoo.db, odoo.login and odoo.api_key"]
    if not settings.registry_enabled:
        return []
    path = settings.registry.cache_path
    if path is None:
        if settings.registry_cache_path is None:
            return [
                "registry.cache_path: required with a PostgreSQL inbox"
                " (where the last good registry is kept while Odoo is down)"
            ]
        return []  # beside the SQLite inbox, whose directory is checked above
    if not path.parent.is_dir():
        return [f"registry.cache_path: directory {path.parent} does not exist"]
    if not os.access(path.parent, os.W_OK):
        return [f"registry.cache_path: directory {path.parent} is not writable"]
    return []


def sqlite_path(url: str) -> str:
    """Filesystem path of a ``sqlite:///path`` URL (absolute: ``sqlite:////abs``, or ``sqlite:///abs``)."""
    rest = url[len("sqlite://") :]
    # Accept both sqlite:///abs/path (SQLAlchemy would read it as relative) and sqlite:////abs/path.
    if rest.startswith("//"):
        rest = rest[1:]
    return rest


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def add_log_level_option(parser: argparse.ArgumentParser) -> None:
    """``--log-level``, the same on every command line; an unknown level is refused."""
    parser.add_argument(
        "--log-level", default="INFO", type=str.upper, choices=LOG_LEVELS, help="default INFO"
    )


def configure_logging(level: str) -> None:
    """Standard logging to stderr at ``level`` (one of LOG_LEVELS), one format everywhere."""
    logging.basicConfig(
        level=getattr(logging, level), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
