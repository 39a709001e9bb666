"""The one place where the new formats turn a request body into a JSON value."""

from __future__ import annotations

import json
from typing import Any

from ..exceptions import MalformedJson


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def load_json(body: bytes) -> Any:
    """Parse UTF-8 JSON strictly (no NaN/Infinity); ``MalformedJson`` says why not."""
    try:
        return json.loads(body, parse_constant=_reject_constant)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise MalformedJson(f"body is not valid JSON: {exc}") from None
