"""Text PostgreSQL can keep: no NUL (U+0000) and no lone surrogate (U+D800 to U+DFFF).

A ``text`` or ``jsonb`` value cannot hold a NUL, and a lone surrogate (half of a UTF-16
pair, which JSON escapes can put into a string, JSON-RPC included) is no character and has
no UTF-8 encoding to send. Either makes the write fail without naming a field, so input is
checked first: refused where it is read (``require_storable``, or ``lone_surrogate_location``
over a whole document), or escaped where its record must be kept whatever it holds
(``escape_unstorable``).
"""

from __future__ import annotations

import re
from typing import Any

NUL_REASON = "must not contain the NUL character (U+0000)"
LONE_SURROGATE_REASON = (
    "must not contain a lone surrogate (U+D800 to U+DFFF), which is no character"
)

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

# A location in a document, as the canonical event's errors give it: keys and indexes.
Location = tuple[str | int, ...]


def has_lone_surrogate(text: str) -> bool:
    """True when ``text`` holds a lone surrogate."""
    return _LONE_SURROGATE.search(text) is not None


def is_storable(text: str) -> bool:
    """True when PostgreSQL can keep ``text`` as it is (no NUL, no lone surrogate)."""
    return "\x00" not in text and not has_lone_surrogate(text)


def require_no_nul(text: str) -> str:
    """``text``, or ``ValueError`` when it holds a NUL (as a pydantic validator)."""
    if "\x00" in text:
        raise ValueError(NUL_REASON)
    return text


def require_storable(text: str) -> str:
    """``text``, or ``ValueError`` saying what PostgreSQL could not keep of it (as a
    pydantic validator)."""
    require_no_nul(text)
    if has_lone_surrogate(text):
        raise ValueError(LONE_SURROGATE_REASON)
    return text


def escape_unstorable(text: str) -> str:
    """``text`` as PostgreSQL can keep it: a NUL or a lone surrogate written as its escape
    (``\\x00``, ``\\ud800``), so the record of bad input is never lost to its own text."""
    escaped = text.replace("\x00", "\\x00")
    if escaped.isascii():
        # No lone surrogate without a character beyond ASCII: nothing more to escape.
        return escaped
    return escaped.encode("utf-8", "backslashreplace").decode("utf-8")


def holds_lone_surrogate(value: Any) -> bool:
    """True when a key or string anywhere in ``value`` (JSON-like data) holds a lone
    surrogate. The common answer, no, without the location of every key on the way (what
    ``lone_surrogate_location`` builds): every forwarded event is checked."""
    pending: list[Any] = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if not item.isascii() and has_lone_surrogate(item):
                return True
        elif isinstance(item, dict):
            for key in item:
                if isinstance(key, str) and not key.isascii() and has_lone_surrogate(key):
                    return True
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def lone_surrogate_location(value: Any) -> Location | None:
    """The location of the first key or string in ``value`` (JSON-like data) holding a
    lone surrogate, or None. Walked without recursion: a forwarded event may be nested as
    deep as its sender's JSON parser allowed."""
    if not holds_lone_surrogate(value):
        return None
    pending: list[tuple[Location, Any]] = [((), value)]
    while pending:
        loc, item = pending.pop()
        if isinstance(item, str):
            if has_lone_surrogate(item):
                return loc
        elif isinstance(item, dict):
            for key, child in reversed(item.items()):
                key_loc = (*loc, _printable_key(key))
                if isinstance(key, str) and has_lone_surrogate(key):
                    return key_loc
                pending.append((key_loc, child))
        elif isinstance(item, list):
            pending.extend(
                ((*loc, index), child) for index, child in reversed(list(enumerate(item)))
            )
    return None


def _printable_key(key: object) -> str:
    """``key`` as a reason may show it: a lone surrogate written as its escape."""
    return str(key).encode("utf-8", "backslashreplace").decode("utf-8")
