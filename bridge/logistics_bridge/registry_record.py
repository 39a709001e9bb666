"""The registry in force, as a serving bridge records it in the inbox for ``status``.

Kept apart from ``registry``: reading the record needs the inbox only, not the HTTP
application and the Odoo client that following the registry loads."""

from __future__ import annotations

import json
from typing import Any

from .store import Inbox

# Inbox metadata key under which a serving bridge records the registry in force.
META_KEY = "registry"


def recorded(inbox: Inbox) -> tuple[dict[str, Any], str] | None:
    """The registry a serving bridge last recorded in ``inbox``, and when; None if none."""
    found = inbox.get_meta(META_KEY)
    if found is None or found[0] is None:
        return None
    return json.loads(found[0]), found[1]
