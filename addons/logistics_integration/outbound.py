"""HTTP side of the outbound path: one call, one classified outcome.

Plain Python, no ORM, so the rules can be read and tested on their own. The
session never retries (requests' default adapter with ``max_retries=0``):
retries belong to queue_job alone, and every call carries an idempotency key.
"""

import hashlib
import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import requests

#: Statuses worth another attempt later, besides every 5xx.
RETRYABLE_STATUSES = frozenset({408, 425, 429})
#: Upper bound for a Retry-After the other side asks for, in seconds.
MAX_RETRY_AFTER = 3600

SUCCESS = "success"
RETRY = "retry"
FAIL = "fail"

_local = threading.local()


def trace_id(correlation_id):
    """W3C trace id of a transaction: its correlation id when a UUID, else a hash of it."""
    text = correlation_id or ""  # Odoo gives False for an empty field
    try:
        return uuid.UUID(text).hex
    except ValueError:
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def traceparent(correlation_id):
    """W3C ``traceparent`` of one call: the transaction's trace, a new span, sampled."""
    return f"00-{trace_id(correlation_id)}-{secrets.token_hex(8)}-01"


@dataclass(frozen=True)
class Outcome:
    """What one attempt amounted to.

    ``kind`` is SUCCESS, RETRY or FAIL; ``retry_after`` is the delay the
    other side asked for (seconds) or None; ``body`` the parsed JSON answer
    (dict) or None; ``error`` a one-line explanation for people.
    """

    kind: str
    status: int = 0
    body: dict | None = None
    text: str = ""
    error: str = ""
    retry_after: int | None = None
    duration_ms: float = 0.0


def get_session():
    """A keep-alive session per thread, with no retry at the adapter level."""
    session = getattr(_local, "session", None)
    if session is None:
        session = requests.Session()
        adapter = requests.adapters.HTTPAdapter(max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        _local.session = session
    return session


def parse_retry_after(value, now=None):
    """Seconds to wait according to a Retry-After header, or None.

    Accepts delta-seconds and HTTP dates; negative waits become 0 and very long
    ones are capped at MAX_RETRY_AFTER.
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = int(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when is None:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        now = now or datetime.now(UTC)
        seconds = int((when - now).total_seconds() + 0.999)
    return max(0, min(seconds, MAX_RETRY_AFTER))


def _json_body(response):
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else {"data": body}


def _error_text(response, body):
    if body:
        for key in ("message", "detail", "error_description", "error"):
            if body.get(key):
                return f"HTTP {response.status_code}: {body[key]}"
    return f"HTTP {response.status_code}: {(response.text or response.reason or '')[:500]}"


def classify_response(response, conflict_is_success=None):
    """Turn an HTTP response into an Outcome.

    2xx is a success. 409 is a success when ``conflict_is_success(body)`` says
    the other side already holds the document (a replayed create). 408, 425,
    429 and 5xx are worth retrying (Retry-After honoured); any other status
    fails for good because sending the same request again cannot change it.
    """
    status = response.status_code
    body = _json_body(response)
    text = response.text or ""
    if 200 <= status < 300:
        return Outcome(SUCCESS, status=status, body=body, text=text)
    if status == 409 and conflict_is_success and conflict_is_success(body or {}):
        return Outcome(SUCCESS, status=status, body=body, text=text)
    error = _error_text(response, body)
    if status in RETRYABLE_STATUSES or status >= 500:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        return Outcome(
            RETRY, status=status, body=body, text=text, error=error, retry_after=retry_after
        )
    return Outcome(FAIL, status=status, body=body, text=text, error=error)


def send(method, url, body, headers, auth, timeout, conflict_is_success=None):
    """Perform one HTTP call and classify it; never raises for network errors.

    ``body`` is the exact bytes to send, ``timeout`` a (connect, read) tuple.
    Timeouts and connection errors are RETRY outcomes; a malformed request
    (invalid URL, bad header) is a FAIL outcome.
    """
    start = time.monotonic()
    try:
        response = get_session().request(
            method, url, data=body, headers=headers, auth=auth, timeout=timeout
        )
    except requests.Timeout as err:
        outcome = Outcome(RETRY, error=f"Timeout: {err}")
    except requests.ConnectionError as err:
        outcome = Outcome(RETRY, error=f"Connection error: {err}")
    except requests.RequestException as err:
        outcome = Outcome(FAIL, error=f"Request error: {err}")
    else:
        outcome = classify_response(response, conflict_is_success)
    duration_ms = (time.monotonic() - start) * 1000.0
    return Outcome(**{**outcome.__dict__, "duration_ms": duration_ms})


def retry_delay(pattern, attempt, default=10):
    """Seconds before the next attempt, following a queue_job-style pattern.

    ``pattern`` maps attempt counts to delays ({1: 60, 2: 180, 5: 300}): from
    each count on, its delay applies.
    """
    seconds = default
    for count, delay in sorted(pattern.items()):
        if attempt >= count:
            seconds = delay
        else:
            break
    return seconds


def dumps(payload):
    """The canonical JSON text of a payload (stable key order, UTF-8)."""
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
