"""Command line: ``logistics-tms-simulator``."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading
from collections.abc import Sequence

import waitress
from logistics_bridge.config import add_log_level_option, configure_logging
from pydantic import ValidationError

from .faults import Faults
from .sender import CallbackSender
from .server import SimulatedTms

_logger = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="logistics-tms-simulator",
        description="A TMS speaking the tms-rate, tms-order and tms-event contracts, for demos "
        "and tests.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8070)
    parser.add_argument("--bridge-url", default="http://127.0.0.1:8480")
    parser.add_argument("--endpoint", default="demo_tms", help="endpoint code at the bridge")
    parser.add_argument(
        "--secret",
        default=os.environ.get("TMS_SIMULATOR_SECRET"),
        help="Standard Webhooks signing secret (default: $TMS_SIMULATOR_SECRET)",
    )
    parser.add_argument(
        "--api-key",
        default=os.environ.get("TMS_SIMULATOR_API_KEY"),
        help="X-API-Key expected from Odoo (default: $TMS_SIMULATOR_API_KEY; none = open)",
    )
    parser.add_argument("--pace", type=float, default=0.5, help="seconds between callbacks")
    parser.add_argument("--seed", type=int, help="random seed for repeatable runs")
    parser.add_argument("--currency", default="EUR", help="ISO code freight is billed in")
    parser.add_argument(
        "--slot-minutes",
        type=int,
        default=120,
        help="length of the delivery windows offered (appointments)",
    )
    add_log_level_option(parser)
    for name, field in Faults.model_fields.items():
        flag = "--" + name.replace("_", "-")
        # argparse formats help with %: a literal one (as in "30%") must be doubled.
        text = (field.description or "").replace("%", "%%")
        if field.annotation is bool:
            parser.add_argument(flag, action="store_true", help=text)
        else:
            parser.add_argument(flag, type=field.annotation, default=field.default, help=text)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``logistics-tms-simulator`` console script."""
    args = _parser().parse_args(argv)
    configure_logging(args.log_level)
    if not args.secret:
        _logger.error("a signing secret is required: --secret or $TMS_SIMULATOR_SECRET")
        return 2
    try:
        faults = Faults(**{name: getattr(args, name) for name in Faults.model_fields})
    except ValidationError as exc:
        _logger.error("invalid fault switches: %s", exc)
        return 2
    events_url = f"{args.bridge_url.rstrip('/')}/v1/tms/{args.endpoint}/events"
    sender = CallbackSender(events_url, args.secret)
    app = SimulatedTms(
        sender,
        args.api_key,
        faults,
        pace_seconds=args.pace,
        seed=args.seed,
        currency=args.currency.upper(),
        slot_minutes=args.slot_minutes,
    )
    # Threads beyond the job runner's channel: answers held by the timeout fault
    # must not starve health checks and the other calls.
    server = waitress.create_server(app, host=args.host, port=args.port, threads=8)
    stop = threading.Event()

    def request_stop(_signum: int, _frame: object) -> None:
        stop.set()
        server.close()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    sender.start()
    _logger.info(
        "simulated TMS on http://%s:%s, callbacks to %s, faults: %s",
        args.host,
        args.port,
        events_url,
        faults.model_dump(exclude_defaults=True) or "none",
    )
    try:
        server.run()
    except OSError:
        if not stop.is_set():
            raise
    finally:
        sender.stop()
    _logger.info(
        "stopped: %s callbacks accepted, %s duplicates acknowledged, %s refused",
        sender.stats.sent,
        sender.stats.duplicates_acknowledged,
        sender.stats.refused,
    )
    return 0
