"""Command line: ``logistics-bridge serve|status|replay|purge|import|check-config``
and ``export-endpoints``.

The operator commands (``status``, ``replay``, ``purge``, ``check-config``) load the
configuration and the inbox only. The HTTP server, the decoders, the registry follower and
the Odoo client are imported by the commands that use them: loaded up front they would
make up most of the memory of a ``status`` run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import stat
import sys
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from .config import (
    BridgeSettings,
    add_log_level_option,
    configure_logging,
    endpoints_problems,
    find_problems,
    load_settings,
)
from .endpoints import FORMAT_JSON, FORMAT_X12_214, EndpointSettings
from .exceptions import (
    BridgeError,
    ConfigError,
    InboxError,
    OdooProtocolError,
    RegistryInvalid,
    RequestRejected,
)
from .logsafe import log_field
from .models import CONFLICT_MESSAGE
from .registry_record import recorded
from .store import Inbox, open_inbox

if TYPE_CHECKING:
    from .formats import Decoder

# Longest path the system takes: a file name is printed whole, escaped.
PATH_MAX = 4096
# Longest file name, in bytes, most file systems take.
NAME_MAX = 255

_logger = logging.getLogger(__name__)


def _parse_since(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO-8601 datetime: {value}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="logistics-bridge",
        description="Receive TMS callbacks, keep them durably, forward them to Odoo.",
    )
    parser.add_argument("--config", help="TOML file (default: $LOGISTICS_BRIDGE_CONFIG)")
    add_log_level_option(parser)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the HTTP server and the forwarder")
    serve.add_argument("--no-forward", action="store_true", help="accept only, do not forward")
    serve.add_argument("--host", help="override listen_host")
    serve.add_argument("--port", type=int, help="override listen_port")

    status = commands.add_parser("status", help="inbox depth, oldest pending, last Odoo error")
    status.add_argument("--json", action="store_true", help="machine-readable output")

    replay = commands.add_parser("replay", help="forward rejected or failed events again")
    replay.add_argument("--id", type=int, action="append", default=[], dest="ids")
    replay.add_argument("--state", choices=("rejected", "failed"))
    replay.add_argument("--endpoint")
    replay.add_argument("--since", type=_parse_since, help="received at or after (ISO-8601)")

    purge = commands.add_parser("purge", help="delete forwarded events past retention")
    purge.add_argument("--days", type=int, help="override retention_days")
    purge.add_argument(
        "--include-failed", action="store_true", help="also delete rejected and failed events"
    )

    importer = commands.add_parser(
        "import", help="import X12 214 or JSON files (one transaction per file)"
    )
    importer.add_argument("files", nargs="+", metavar="FILE")
    importer.add_argument("--endpoint", required=True, help="endpoint code the events belong to")
    importer.add_argument(
        "--format",
        choices=(FORMAT_JSON, FORMAT_X12_214),
        help="default: the endpoint's configured format",
    )
    importer.add_argument("--ack-dir", type=Path, help="write each file's 997 here (x12-214)")

    commands.add_parser("check-config", help="report every configuration problem")

    export = commands.add_parser(
        "export-endpoints", help="write the TOML endpoint blocks into Odoo's endpoint registry"
    )
    export.add_argument(
        "--apply", action="store_true", help="write them (default: print what would be written)"
    )
    return parser


def _serve(settings: BridgeSettings, args: argparse.Namespace) -> int:
    from .server import run_until_signalled
    from .service import build_service

    overrides = {}
    if args.host:
        overrides["listen_host"] = args.host
    if args.port is not None:
        overrides["listen_port"] = args.port
    if overrides:
        settings = settings.model_copy(update=overrides)
    problems = find_problems(settings, need_odoo=not args.no_forward)
    if problems:
        for problem in problems:
            _logger.error("configuration: %s", problem)
        return 2
    service = build_service(settings, forward=not args.no_forward)
    service.start_background()
    try:
        run_until_signalled(service.server, service.stop_background)
    finally:
        service.close()
    _logger.info("stopped")
    return 0


def _status(settings: BridgeSettings, args: argparse.Namespace) -> int:
    inbox = open_inbox(settings.inbox_url)
    try:
        report = inbox.status()
        registry = _registry_status(settings, inbox)
    finally:
        inbox.close()
    if args.json:
        print(json.dumps({**report.model_dump(), "registry": registry}, indent=2))
        return 0
    print(_registry_line(registry))
    for state, count in report.counts.items():
        print(f"{state:<10} {count}")
    if report.oldest_pending_age_seconds is not None:
        print(
            f"oldest pending: received {report.oldest_pending_received_at} "
            f"({report.oldest_pending_age_seconds:.0f}s ago)"
        )
    else:
        print("oldest pending: none")
    if report.last_odoo_error:
        print(f"last Odoo error: {report.last_odoo_error} (at {report.last_odoo_error_at})")
    else:
        print("last Odoo error: none")
    return 0


def _registry_status(settings: BridgeSettings, inbox: Inbox) -> dict[str, object]:
    """The registry in force, as the serving bridge last recorded it in the inbox."""
    if not settings.registry_enabled:
        return {"enabled": False, "version": None, "source": "bootstrap"}
    found = recorded(inbox)
    if found is None:
        return {"enabled": True, "version": None, "source": None}
    state, at = found
    return {"enabled": True, **state, "at": at}


def _registry_line(registry: dict[str, object]) -> str:
    if not registry["enabled"]:
        return "registry: off, the TOML endpoints are in force (source bootstrap)"
    if registry["source"] is None:
        return "registry: on, nothing recorded yet (no bridge has served from this inbox)"
    where = f"bridge {registry['bridge_id']}, since {registry['at']}"
    if registry["version"] is None:
        return f"registry: none loaded yet, TOML endpoints in force (source bootstrap; {where})"
    return f"registry: version {registry['version']} (source {registry['source']}; {where})"


def _replay(settings: BridgeSettings, args: argparse.Namespace) -> int:
    if not (args.ids or args.state or args.endpoint or args.since):
        print("replay: give --id, --state, --endpoint or --since", file=sys.stderr)
        return 2
    inbox = open_inbox(settings.inbox_url)
    try:
        count = inbox.replay(
            ids=args.ids, state=args.state, endpoint=args.endpoint, since=args.since
        )
    finally:
        inbox.close()
    print(f"{count} event(s) set back to pending")
    return 0


def _purge(settings: BridgeSettings, args: argparse.Namespace) -> int:
    days = args.days if args.days is not None else settings.retention_days
    cutoff = datetime.now(UTC) - timedelta(days=days)
    inbox = open_inbox(settings.inbox_url)
    try:
        count = inbox.purge(cutoff, include_failed=args.include_failed)
    finally:
        inbox.close()
    kept = "" if args.include_failed else " (rejected and failed kept)"
    print(f"{count} event(s) older than {days} day(s) purged{kept}")
    return 0


def _import_endpoints(settings: BridgeSettings) -> Mapping[str, EndpointSettings]:
    """The endpoints files are read for: those of the registry the bridge last ran (its
    cache), so a dropped file gets the event ids an HTTP request would get; the TOML
    bootstrap while no registry was ever loaded."""
    from .registry import RegistryCache, build_table

    path = settings.registry_cache_path if settings.registry_enabled else None
    if path is None:
        return settings.endpoints
    try:
        document = RegistryCache(path).read()
        if document is None:
            return settings.endpoints
        return build_table(document, settings, "cache")[0].endpoints
    except RegistryInvalid as exc:
        raise ConfigError(f"registry cache {path} cannot be used: {exc}") from None


def _import_decoder(settings: BridgeSettings, args: argparse.Namespace) -> Decoder:
    from .formats import build_decoder

    endpoints = _import_endpoints(settings)
    endpoint = endpoints.get(args.endpoint)
    if endpoint is None:
        # Events of an endpoint the bridge does not serve could never be told apart from
        # a typing mistake, and Odoo would refuse every one of them.
        raise ConfigError(
            f"unknown endpoint {log_field(args.endpoint)!r}; known: "
            + (", ".join(sorted(endpoints)) or "none")
        )
    file_format = args.format or endpoint.format
    if file_format not in (FORMAT_JSON, FORMAT_X12_214):
        raise ConfigError(
            f"endpoint {args.endpoint!r} does not take json or x12-214 files; give --format"
        )
    if endpoint.format != file_format:
        endpoint = EndpointSettings(format=file_format)
    return build_decoder(args.endpoint, endpoint)


def _import_file(
    inbox: Inbox, decoder: Decoder, path: Path, args: argparse.Namespace, max_bytes: int
) -> bool:
    """Import one file all-or-nothing; print what happened; True when it is in the inbox.

    Names and messages are printed escaped (``log_field``): a file's name or content
    cannot add a line to the report."""
    from .formats import RequestContext

    name = _shown(path)
    try:
        body = _read_import_file(path, max_bytes)
    except OSError as exc:
        print(f"{name}: cannot read: {exc.strerror}", file=sys.stderr)
        return False
    except ValueError as exc:
        print(f"{name}: refused, nothing imported: {_shown(exc)}", file=sys.stderr)
        return False
    request = RequestContext(args.endpoint, datetime.now(UTC), str(uuid.uuid4()))
    try:
        decoded = decoder.decode(body, request)
        results = inbox.add(decoded.events)
    except RequestRejected as exc:
        print(f"{name}: refused, nothing imported: {_shown(exc.message)}", file=sys.stderr)
        return False
    except InboxError as exc:
        print(f"{name}: not stored, nothing imported: {_shown(exc)}", file=sys.stderr)
        return False
    counts = dict.fromkeys(("accepted", "duplicate", "conflict"), 0)
    for result in results:
        counts[result.status] += 1
    print(
        f"{name}: {counts['accepted']} event(s) imported, {counts['duplicate']} duplicate(s)"
        + (f", {counts['conflict']} {CONFLICT_MESSAGE}" if counts["conflict"] else "")
    )
    if args.ack_dir is None or decoded.acknowledgement is None:
        return True
    if counts["conflict"]:
        # As over HTTP, where such a body is answered 409 with the JSON and not a 997: the
        # acknowledgement would accept a set whose content is not the one kept as the event.
        print(f"{name}: no acknowledgement written: a {CONFLICT_MESSAGE}")
        return True
    return _write_acknowledgement(path, body, args.ack_dir, decoded.acknowledgement[1])


def _shown(value: object) -> str:
    """A file name or message as one printable line."""
    return log_field(value, limit=PATH_MAX)


def _write_acknowledgement(path: Path, body: bytes, ack_dir: Path, acknowledgement: bytes) -> bool:
    """Write the 997 of ``path`` as ``<name>.<sha256 of its content, 12>.997`` in ``ack_dir``.

    Files of the same name from different folders each get theirs; nothing is overwritten
    and no link is followed (``O_EXCL | O_NOFOLLOW``): an acknowledgement already there is
    the one of an earlier import of the same content, and is left as it is."""
    name = _shown(path)
    target = ack_dir / _acknowledgement_name(path.name, body)
    shown_target = _shown(target)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(target, flags, 0o644)
    except FileExistsError as exc:
        if target.is_symlink():
            print(f"{name}: imported, but {shown_target} is a link, not written", file=sys.stderr)
            return False
        if not target.is_file():
            print(_unwritten(name, shown_target, exc), file=sys.stderr)
            return False
        print(f"{name}: acknowledgement already written to {shown_target}")
        return True
    except OSError as exc:
        print(_unwritten(name, shown_target, exc), file=sys.stderr)
        return False
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(acknowledgement)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        target.unlink(missing_ok=True)  # never leave a partial 997 that looks written
        print(_unwritten(name, shown_target, exc), file=sys.stderr)
        return False
    print(f"{name}: acknowledgement written to {shown_target}")
    return True


def _acknowledgement_name(file_name: str, body: bytes) -> str:
    """``<file name>.<first 12 hex of the content's SHA-256>.997``, the file name cut (on a
    character boundary) so the whole fits ``NAME_MAX`` bytes: the digest still tells files
    apart, and a name that does not fit could never be written."""
    suffix = f".{hashlib.sha256(body).hexdigest()[:12]}.997"
    encoded = os.fsencode(file_name)
    cut = NAME_MAX - len(suffix)
    if len(encoded) > cut:
        while cut and encoded[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte: mid-character
            cut -= 1
        file_name = os.fsdecode(encoded[:cut])
    return file_name + suffix


def _unwritten(name: str, target: str, exc: OSError) -> str:
    # The events are committed; importing the file again writes the 997.
    return (
        f"{name}: imported, but the acknowledgement {target} could not be written"
        f" ({exc.strerror}); import the file again to write it"
    )


def _read_import_file(path: Path, max_bytes: int) -> bytes:
    """The file's bytes; a file that is not a regular file, or larger than the bridge takes
    over HTTP (``max_body_bytes``), is refused before it is read (ValueError)."""
    # Opened without waiting (a FIFO would wait for a writer), then judged by what was
    # opened: a name checked first could be swapped for a FIFO before it is opened.
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise ValueError("not a regular file")
        handle = os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise
    with handle:
        body = handle.read(max_bytes + 1)
    if len(body) > max_bytes:
        raise ValueError(f"larger than max_body_bytes ({max_bytes} bytes)")
    return body


def _import(settings: BridgeSettings, args: argparse.Namespace) -> int:
    """Exit 0 when every file is in the inbox, 1 when one is not, 2 on a usage problem."""
    if args.ack_dir is not None and not args.ack_dir.is_dir():
        print(f"import: --ack-dir {_shown(args.ack_dir)} is not a directory", file=sys.stderr)
        return 2
    try:
        decoder = _import_decoder(settings, args)
    except ConfigError as exc:
        print(f"import: {exc}", file=sys.stderr)
        return 2
    inbox = open_inbox(settings.inbox_url)
    try:
        imported = [
            _import_file(inbox, decoder, Path(name), args, settings.max_body_bytes)
            for name in args.files
        ]
    finally:
        inbox.close()
    refused = imported.count(False)
    if refused:
        print(f"{refused} of {len(imported)} file(s) not imported", file=sys.stderr)
        return 1
    return 0


def _report_problems(problems: list[str]) -> int:
    for problem in problems:
        print(f"problem: {problem}")
    print(f"{len(problems)} problem(s) found")
    return 1


def _check_config(config_file: str | None) -> int:
    try:
        settings = load_settings(config_file)
    except ConfigError as exc:
        return _report_problems(str(exc).split("; "))
    problems = find_problems(settings)
    if problems:
        return _report_problems(problems)
    print("configuration OK")
    if settings.registry_enabled:
        print(
            f"endpoints: from Odoo's registry (checked every {settings.registry.poll_seconds:g}s,"
            f" last good copy in {settings.registry_cache_path});"
            f" {len(settings.endpoints)} TOML endpoint(s) as bootstrap until it is first loaded"
        )
    else:
        print(f"endpoints: {len(settings.endpoints)} from this configuration (registry off)")
    return 0


def _export_endpoints(settings: BridgeSettings, args: argparse.Namespace) -> int:
    """Print the TOML endpoints (never a secret); with ``--apply`` write them into Odoo."""
    from .odoo_client import OdooClient
    from .registry import REGISTRY_MODEL, ImportAnswer, endpoint_summary, export_document

    if not settings.endpoints:
        print("export-endpoints: the configuration has no [endpoints] block", file=sys.stderr)
        return 2
    problems = endpoints_problems(settings.endpoints, settings.public_base_url)
    if problems:
        for problem in problems:
            print(f"problem: {problem}", file=sys.stderr)
        print("export-endpoints: nothing written, fix these first", file=sys.stderr)
        return 2
    for code, endpoint in sorted(settings.endpoints.items()):
        print(f"{code}: {endpoint_summary(endpoint)}")
    target = f"Odoo {settings.odoo.url} (database {settings.odoo.db})"
    if not args.apply:
        print(f"{len(settings.endpoints)} endpoint(s) to write into {target}; run with --apply")
        return 0
    client = OdooClient(settings.odoo)
    try:
        result = client.execute_kw(
            REGISTRY_MODEL, "import_endpoints", [export_document(settings.endpoints)]
        )
    finally:
        client.close()
    try:
        answer = ImportAnswer.model_validate(result)
    except ValidationError:
        raise OdooProtocolError(
            "import_endpoints did not answer {created, updated, unchanged}"
        ) from None
    print(f"written into {target}:")
    for name in ("created", "updated", "unchanged"):
        print(f"{name}: {', '.join(getattr(answer, name)) or 'none'}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``logistics-bridge`` console script."""
    args = _parser().parse_args(argv)
    configure_logging(args.log_level)
    if args.command == "check-config":
        return _check_config(args.config)
    try:
        settings = load_settings(args.config)
        handler = {
            "serve": _serve,
            "status": _status,
            "replay": _replay,
            "purge": _purge,
            "import": _import,
            "export-endpoints": _export_endpoints,
        }
        return handler[args.command](settings, args)
    except BridgeError as exc:
        _logger.error("%s", exc)
        return 1
