"""Checks of the numbers and URLs a person types in the forms and settings of the
Logistics app, each refusal naming the field."""

import math
from urllib.parse import urlsplit

from odoo.exceptions import ValidationError

# A person waits on the screen for a synchronous call: past a minute the browser and the
# worker's time limit give up first.
MAX_SYNCHRONOUS_TIMEOUT_SECONDS = 60


def check_bounds(records, bounds, lowest_excluded=False):
    """Raise ValidationError naming the first field of ``records`` outside its bounds.

    ``bounds`` maps a field name to its ``(lowest, highest)`` allowed value, both
    inclusive; ``math.inf`` as highest sets no ceiling. With ``lowest_excluded`` the
    bounds are a timeout's seconds and the lowest itself is refused: a timeout of 0
    waits for nothing. NaN is outside any bounds: a number nothing downstream can compute
    with (a timeout, a date offset) is refused when it is typed, not when a job runs.
    """
    for record in records:
        for name, (lowest, highest) in bounds.items():
            value = record[name]
            if lowest_excluded:
                inside = lowest < value <= highest
            else:
                inside = lowest <= value <= highest
            if not inside:
                raise ValidationError(
                    _bounds_message(record, name, lowest, highest, value, lowest_excluded)
                )


def _bounds_message(record, name, lowest, highest, value, lowest_excluded):
    """What ``check_bounds`` says of ``value`` of field ``name`` of ``record``."""
    values = {
        "field": record._fields[name]._description_string(record.env),
        "lowest": lowest,
        "highest": highest,
        "value": value,
    }
    if lowest_excluded:
        return record.env._(
            "%(field)s must be more than %(lowest)s and at most %(highest)s seconds "
            "(not %(value)s).",
            **values,
        )
    if highest == math.inf:
        return record.env._("%(field)s must be %(lowest)s or more (not %(value)s).", **values)
    return record.env._(
        "%(field)s must be between %(lowest)s and %(highest)s (not %(value)s).", **values
    )


def _http_url_problem(url, env):
    """Why ``url`` is no address to call over HTTP, or None."""
    if any(char.isspace() or ord(char) < 32 or ord(char) == 127 for char in url):
        return env._("it contains a space or a control character")
    try:
        parsed = urlsplit(url)
        port = parsed.port
    except ValueError:
        return env._("its host or port cannot be read (an IPv6 address goes in brackets)")
    if parsed.scheme.lower() not in ("http", "https"):
        return env._("it is not an http or https URL")
    if not parsed.hostname:
        return env._("it names no host")
    if parsed.username is not None or parsed.password is not None:
        # Credentials in the URL would be written to logs and sent to redirects.
        return env._("it holds a user name or password; set them in the authentication fields")
    if port == 0:
        return env._("port 0 cannot be called")
    return None


def check_http_url(records, name):
    """Raise ValidationError naming field ``name`` of ``records`` when its value is set
    and is no http(s) URL with a host (and a port from 1 to 65535, no credentials)."""
    for record in records:
        url = record[name]
        problem = url and _http_url_problem(url, record.env)
        if problem:
            raise ValidationError(
                record.env._(
                    "%(field)s %(url)r is refused: %(problem)s.",
                    field=record._fields[name]._description_string(record.env),
                    url=url,
                    problem=problem,
                )
            )
