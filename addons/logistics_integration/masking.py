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

from logistics_contract.storable import escape_unstorable

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


RULE_INDEX_SIZE = 4096


class _RuleIndex(dict):
    """The first rule matching each key name (None if none), looked up once per key;
    bounded, as key names come from the senders."""

    def __init__(self, rules):
        super().__init__()
        self.rules = rules

    def __missing__(self, key):
        rule = next((r for r in self.rules if r.matches(key)), None)
        if len(self) < RULE_INDEX_SIZE:
            self[key] = rule
        return rule


@lru_cache(maxsize=64)
def _rule_index(rules):
    # Payloads repeat the same few keys: each key is matched against a rule set once,
    # and the set is hashed once per payload, not once per key.
    return _RuleIndex(rules)


def mask_payload(data, rules):
    """Return a masked deep copy of ``data``; ``data`` itself is left untouched."""
    return _mask(data, _rule_index(tuple(rules)))


def _mask(data, index):
    if isinstance(data, dict):
        masked = {}
        for key, value in data.items():
            rule = index[key]
            if rule is None:
                masked[key] = _mask(value, index)
            elif rule.method != "drop":
                if isinstance(value, dict | list):
                    masked[key] = mask_payload(value, [MaskingRule("*", rule.method)])
                else:
                    masked[key] = _mask_value(value, rule.method)
        return masked
    if isinstance(data, list):
        return [_mask(item, index) for item in data]
    return data


def bounded_text(text, max_bytes):
    """Cut ``text`` (made storable) to at most ``max_bytes`` UTF-8 bytes, saying how much
    was cut."""
    if text is None:
        return None
    text = escape_unstorable(text)
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
