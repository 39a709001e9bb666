"""Masking of personal and secret data in payloads.

Pure functions over JSON-like data so they can be used from models, jobs and
tests alike. A rule matches a key name (shell-style pattern, case-insensitive)
anywhere in the structure and applies one method to its value.
"""

import hashlib
import json
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import lru_cache

MASK = "***"
TRUNCATION_MARKER = "…[truncated {omitted} bytes]"


@dataclass(frozen=True)
class MaskingRule:
    key_pattern: str
    method: str  # redact | partial | hash | drop

    def matches(self, key):
        return fnmatchcase(str(key).lower(), self.key_pattern.lower())


def _partial(value):
    text = str(value)
    if "@" in text:
        local, _sep, domain = text.partition("@")
        return f"{local[:1]}{MASK}@{domain}"
    if len(text) <= 4:
        return MASK
    return f"{MASK}{text[-4:]}"


def _mask_value(value, method):
    if value in (None, "", False):
        return value
    if method == "partial":
        return _partial(value)
    if method == "hash":
        digest = hashlib.sha256(str(value).encode()).hexdigest()
        return f"sha256:{digest[:16]}"
    return MASK


@lru_cache(maxsize=4096)
def _rule_for(key, rules):
    # Payloads repeat the same few keys: match each key against the rules once.
    return next((r for r in rules if r.matches(key)), None)


def mask_payload(data, rules):
    """Return a masked deep copy of ``data``; ``data`` itself is left untouched."""
    rules = tuple(rules)
    if isinstance(data, dict):
        masked = {}
        for key, value in data.items():
            rule = _rule_for(key, rules)
            if rule is None:
                masked[key] = mask_payload(value, rules)
            elif rule.method != "drop":
                if isinstance(value, dict | list):
                    masked[key] = mask_payload(value, [MaskingRule("*", rule.method)])
                else:
                    masked[key] = _mask_value(value, rule.method)
        return masked
    if isinstance(data, list):
        return [mask_payload(item, rules) for item in data]
    return data


def bounded_text(text, max_bytes):
    """Cut ``text`` to at most ``max_bytes`` UTF-8 bytes, saying how much was cut."""
    if text is None:
        return None
    encoded = text.encode()
    if max_bytes <= 0 or len(encoded) <= max_bytes:
        return text
    kept = encoded[:max_bytes].decode(errors="ignore")
    return kept + TRUNCATION_MARKER.format(omitted=len(encoded) - len(kept.encode()))


def render_payload(data, rules, max_bytes):
    """Mask, serialise and bound a payload for storage in the integration log."""
    if data is None:
        return None
    if isinstance(data, bytes | str):
        try:
            data = json.loads(data)
        except ValueError:
            text = data.decode(errors="replace") if isinstance(data, bytes) else data
            return bounded_text(text, max_bytes)
    text = json.dumps(mask_payload(data, rules), ensure_ascii=False, sort_keys=True, default=str)
    return bounded_text(text, max_bytes)
