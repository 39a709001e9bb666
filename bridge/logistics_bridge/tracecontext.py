"""The W3C Trace Context ``traceparent`` header of an incoming request.

A sender that traces its calls names its span in ``traceparent``
(``version-traceid-parentid-flags``, lowercase hex); the bridge keeps it with each event
of the request and forwards it to Odoo, whose ingest continues that trace. A malformed
header is ignored: the specification tells a receiver to restart the trace, never to
refuse the request.
"""

from __future__ import annotations

import logging
import re

from .logsafe import log_field

_logger = logging.getLogger(__name__)

# Level 1: two hex digits of version, 32 of trace id, 16 of parent id, 2 of flags. A later
# version may append fields after a dash; those are not kept.
_TRACEPARENT = re.compile(
    r"(?P<version>[0-9a-f]{2})-(?P<trace_id>[0-9a-f]{32})-(?P<parent_id>[0-9a-f]{16})"
    r"-(?P<flags>[0-9a-f]{2})(?P<rest>-.*)?",
    re.ASCII | re.DOTALL,
)
LEVEL_1_LENGTH = 55
_INVALID_VERSION = "ff"
_ZERO_TRACE_ID = "0" * 32
_ZERO_PARENT_ID = "0" * 16


def _problem(value: str) -> str | None:
    """Why ``value`` is not a usable ``traceparent``; None when it is one."""
    match = _TRACEPARENT.fullmatch(value)
    if match is None:
        return "not version-traceid-parentid-flags in lowercase hex"
    if match["version"] == _INVALID_VERSION:
        return "version ff is invalid"
    if match["version"] == "00" and match["rest"] is not None:
        return "version 00 has exactly four fields"
    if match["trace_id"] == _ZERO_TRACE_ID:
        return "the trace id is all zeros"
    if match["parent_id"] == _ZERO_PARENT_ID:
        return "the parent id is all zeros"
    return None


def incoming_traceparent(value: str | None) -> str | None:
    """The request's ``traceparent`` to keep (its level-1 fields), or None when it is
    missing or malformed; a malformed one is logged at debug level and otherwise ignored."""
    if value is None:
        return None
    text = value.strip(" \t")
    if not text:
        return None
    problem = _problem(text)
    if problem is not None:
        _logger.debug("ignoring traceparent %s: %s", log_field(text), problem)
        return None
    return text[:LEVEL_1_LENGTH]
