"""Request-controlled values made safe for a log line."""

from __future__ import annotations

# C0 controls, DEL and C1 controls would let a client forge or garble log lines.
_ESCAPES = {code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0))}
_ESCAPES.update({0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t"})
_ESCAPES.update({0x2028: "\\u2028", 0x2029: "\\u2029"})
# Lone surrogates (a file name of bytes that are not UTF-8, as Python holds it) cannot be
# written to a UTF-8 stream: printing one would fail the report, or the log line.
_ESCAPES.update({code: f"\\u{code:04x}" for code in range(0xD800, 0xE000)})

# Long enough for any legitimate path, header or message; bounded so a client cannot
# write megabytes of log with one request.
LOG_FIELD_LIMIT = 300


def log_field(value: object, limit: int = LOG_FIELD_LIMIT) -> str:
    """``value`` as one printable line: controls escaped, cut to ``limit`` characters."""
    text = "" if value is None else str(value)
    cut = len(text) > limit
    escaped = text[:limit].translate(_ESCAPES)
    return f"{escaped}…(+{len(text) - limit} chars)" if cut else escaped
