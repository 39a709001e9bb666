"""Event ids made of several parts: one encoding, used by the bridge and by Odoo.

- ``joined_id(*parts)``: parts joined with ``:``, each with ``%`` and ``:`` percent-escaped
  (``%25``, ``%3A``), so distinct tuples give distinct ids whatever the parts hold, and a
  tuple whose parts hold neither character reads as before (``ABCD:000000905:905:0001``).
- ``derived_id(document_id, element)``: the id of one element of a split document whose
  id was read once for the whole, ``<document id>#<hash of the element's canonical
  JSON>``. It depends on the element's content, not its position, so a document delivered
  again, or grown at the front, yields the same ids for the elements it already held; two
  identical elements of one document are the same event.
"""

from __future__ import annotations

import hashlib
from typing import Any

from .content import canonical_json

PART_SEPARATOR = ":"
DERIVED_ID_DIGITS = 16
_ESCAPES = str.maketrans({"%": "%25", PART_SEPARATOR: "%3A"})


def joined_id(*parts: str) -> str:
    """The id of the tuple ``parts``: injective (see the module docstring)."""
    return PART_SEPARATOR.join(part.translate(_ESCAPES) for part in parts)


def element_hash(element: Any) -> str:
    """A short, stable digest of a JSON value's canonical JSON: key order, whitespace and the
    way a number is written (``1.50`` parsed exactly by the bridge, ``1.5`` as a float by
    Odoo's JSON-RPC) do not matter."""
    return hashlib.sha256(canonical_json(element).encode()).hexdigest()[:DERIVED_ID_DIGITS]


def derived_id(document_id: str, element: Any) -> str:
    """The id of one element of a split document (see the module docstring)."""
    return f"{document_id}#{element_hash(element)}"
