"""The bridge's contract (``logistics_contract``) as this addon applies it.

Every check of inbound settings goes through here, so Odoo refuses exactly what the
bridge's ``check-config`` refuses and serves only what the bridge accepts. No Odoo import.
"""

import re
from datetime import UTC, datetime

from logistics_contract.endpoint import InboundEndpoint
from logistics_contract.recipes import PUBLIC_KEY_ALGORITHMS, recipe_problems
from logistics_contract.registry import Registry
from pydantic import ValidationError

__all__ = [
    "PUBLIC_KEY_ALGORITHMS",
    "ValidationError",
    "endpoint_document",
    "entry_problems",
    "error_lines",
    "naive_utc",
    "problem_setting",
    "same_settings",
    "recipe_problems",
    "validate_registry",
]

# "secrets[1]: ...", "signature_header: ...", "auth.0.header: ..." -> the setting and index
_SETTING = re.compile(r"^(?:auth\.\d+\.)?(?P<name>[a-z_]+)(?:[\[.](?P<index>\d+)\]?)?")


def error_lines(exc):
    """One ``setting: message`` line per error of a pydantic ``ValidationError``, without
    the input values (they may be secrets)."""
    lines = []
    for error in exc.errors(include_input=False, include_url=False):
        location = ".".join(str(step) for step in error["loc"])
        lines.append(f"{location}: {error['msg']}" if location else error["msg"])
    return lines


def problem_setting(problem):
    """``(setting, index)`` a problem line is about: ``("secrets", 1)``, ``("header", None)``."""
    match = _SETTING.match(problem)
    if not match:
        return None, None
    index = match.group("index")
    return match.group("name"), int(index) if index is not None else None


def naive_utc(moment):
    """An ISO-8601 instant with its offset as Odoo stores datetimes (naive UTC); None
    gives False."""
    if moment is None:
        return False
    return datetime.fromisoformat(moment).astimezone(UTC).replace(tzinfo=None)


def endpoint_document(entry):
    """``entry`` as the contract normalises it (defaults filled, secrets in clear): two
    entries meaning the same settings give equal documents. Raises ``ValidationError``."""
    return InboundEndpoint.model_validate(entry).document()


def same_settings(document, other):
    """True when two normalised entries say the same; the order of secrets does not count."""

    def comparable(entry):
        auth = [
            dict(recipe, secrets=sorted(recipe["secrets"], key=lambda s: s["value"]))
            for recipe in entry["auth"]
        ]
        return dict(entry, auth=auth)

    return comparable(document) == comparable(other)


def entry_problems(code, entry, database):
    """Why the bridge would refuse ``entry`` as endpoint ``code`` of a registry, per line."""
    try:
        Registry.model_validate(
            {
                "version": 0,
                "generated_at": "1970-01-01T00:00:00+00:00",
                "database": database,
                "endpoints": {code: entry},
            }
        )
    except ValidationError as exc:
        return error_lines(exc)
    return [
        f"auth.{index}.{problem}"
        for index, recipe in enumerate(entry["auth"])
        for problem in recipe_problems(recipe)
    ]


def validate_registry(document):
    """Raise ``ValidationError`` unless the bridge accepts ``document`` as a registry."""
    Registry.model_validate(document)
