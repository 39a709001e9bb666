"""Paths into JSON: the one grammar the bridge's settings and Odoo's inbound profiles share.

A path is names separated by dots, each followed by any number of ``[n]`` (a list index;
negative counts from the end) or ``[*]`` (every element): ``result.tracking_code``,
``events[-1].id``, ``document.LX[*].AT7[0][1]``. It may start with an index (``[0].id``,
a list at the top) and with ``$.`` (read from the whole document when a split element is
the context). A name is any text without ``.``, ``[``, ``]`` or ``,``; a path does not
start or end with white space, nor start with ``=``.

Where a path is used decides what it may select:

- a value (the bridge's ``event_id_path``, ``shipment_key_path``): no ``[*]``;
- a split (the bridge's ``split_path``): ends in its only ``[*]``;
- a profile source: ``[*]`` anywhere; every ``[*]`` source of a profile names the same
  list, the document becomes one event per element, and each event reads ``[*]`` as its
  own element. A source is one path, several separated by commas, or ``=constant``.

A path is parsed once, when the setting or profile is saved, so a typo is an error naming
the setting rather than the refusal of every document.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

ROOT = "$."
CONSTANT = "="
SOURCE_SEPARATOR = ","
_INDEX = re.compile(r"\[(-?[0-9]+|\*)\]", re.ASCII)
_STEP = re.compile(r"(?P<name>[^.\[\],]*)(?P<indexes>(?:\[(?:-?[0-9]+|\*)\])*)", re.ASCII)


class _Missing:
    """Marker for "nothing at this path" (``None`` is a JSON value)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class _Every:
    """The ``[*]`` step (not the text ``"*"``: that is a name like any other)."""

    def __repr__(self) -> str:
        return "[*]"


EVERY: Any = _Every()


def _format(steps: Iterable[str | int], from_root: bool) -> str:
    text = ROOT if from_root else ""
    for step in steps:
        if step is EVERY:
            text += "[*]"
        elif isinstance(step, int):
            text += f"[{step}]"
        else:
            text += f".{step}" if text and text != ROOT else step
    return text


@dataclass(frozen=True)
class JsonPath:
    """A parsed path: its text and its steps (names as ``str``, indexes as ``int``,
    ``EVERY`` for ``[*]``)."""

    text: str
    steps: tuple[str | int, ...]
    from_root: bool = False

    @property
    def splits(self) -> bool:
        """True when the path holds a ``[*]``."""
        return EVERY in self.steps

    @property
    def list_path(self) -> JsonPath | None:
        """The path of the list the first ``[*]`` runs over, or None without one."""
        if not self.splits:
            return None
        steps = self.steps[: self.steps.index(EVERY)]
        return JsonPath(_format(steps, self.from_root), steps, self.from_root)

    def bind(self, list_path: JsonPath, index: int) -> JsonPath:
        """This path with the ``[*]`` after ``list_path`` read as element ``index``
        (itself when it does not run over that list)."""
        size = len(list_path.steps)
        if (
            self.from_root != list_path.from_root
            or self.steps[:size] != list_path.steps
            or self.steps[size : size + 1] != (EVERY,)
        ):
            return self
        steps = (*list_path.steps, index, *self.steps[size + 1 :])
        return JsonPath(_format(steps, self.from_root), steps, self.from_root)

    def resolve(self, element: Any, document: Any = MISSING) -> Any:
        """The value at this path in ``element`` (in ``document`` for a ``$.`` path), a
        list of values for a ``[*]`` step, or ``MISSING``."""
        start = document if self.from_root and document is not MISSING else element
        return _walk(start, self.steps)


def _walk(value: Any, steps: tuple[str | int, ...]) -> Any:
    for position, step in enumerate(steps):
        if step is EVERY:
            if not isinstance(value, list):
                return MISSING
            rest = steps[position + 1 :]
            return [_walk(item, rest) for item in value]
        if isinstance(step, int):
            if not isinstance(value, list) or not -len(value) <= step < len(value):
                return MISSING
            value = value[step]
        elif isinstance(value, dict) and step in value:
            value = value[step]
        else:
            return MISSING
    return value


@lru_cache(maxsize=1024)
def parse(text: str) -> JsonPath:
    """Parse ``text`` by the grammar alone (``[*]`` anywhere); raise ``ValueError`` saying
    what is wrong. Cached: profiles read the same few paths for every event."""
    if not text or text.strip() != text or text.startswith(CONSTANT):
        raise ValueError(
            f"{text!r} is not a path: a dotted name such as result.tracking_code,"
            " without surrounding spaces or a leading ="
        )
    from_root = text.startswith(ROOT)
    steps: list[str | int] = []
    for position, part in enumerate(text.removeprefix(ROOT).split(".")):
        match = _STEP.fullmatch(part)
        if match is None or not (match.group("name") or (position == 0 and part)):
            raise ValueError(f"{part!r} in {text!r} is not a name, name[n] or name[*]")
        if match.group("name"):
            steps.append(match.group("name"))
        for index in _INDEX.findall(match.group("indexes")):
            steps.append(EVERY if index == "*" else int(index))
    return JsonPath(text, tuple(steps), from_root)


def parse_path(text: str, *, allow_split: bool = False) -> JsonPath:
    """A bridge setting's path: one value, or (``allow_split``) a split path that ends in
    its only ``[*]``; raise ``ValueError`` saying what is wrong."""
    path = parse(text)
    if EVERY in path.steps[:-1]:
        raise ValueError(f"[*] may only end the path, not appear inside {text!r}")
    if path.steps[-1] is EVERY and not allow_split:
        raise ValueError(f"[*] selects several values; {text!r} must select one")
    if allow_split and path.steps[-1] is not EVERY:
        raise ValueError(f"a split path ends in [*], e.g. events[*]; {text!r} does not")
    return path


@dataclass(frozen=True)
class Source:
    """Where a profile reads one field: a constant, or one or more paths."""

    constant: str | None = None
    paths: tuple[JsonPath, ...] = ()

    @property
    def splits(self) -> bool:
        """True when one of its paths holds a ``[*]``."""
        return any(path.splits for path in self.paths)

    def read(self, data: Any, split: tuple[JsonPath, int] | None = None) -> list[tuple[str, Any]]:
        """``[(path text, value)]`` of its paths in ``data``, the split list's ``[*]``
        read as the element of ``split`` (list path, index)."""
        paths = [path.bind(*split) for path in self.paths] if split else self.paths
        return [(path.text, path.resolve(data)) for path in paths]


@lru_cache(maxsize=1024)
def parse_source(text: str | None) -> Source | None:
    """``"=status"``: a constant; ``"a.b, a.c"``: paths; empty: None. Raise ``ValueError``
    naming what is wrong."""
    if not text:
        return None
    if text.startswith(CONSTANT):
        return Source(constant=text[len(CONSTANT) :])
    return Source(paths=tuple(parse(part.strip()) for part in text.split(SOURCE_SEPARATOR)))


def split_list_path(sources: Iterable[Source | None]) -> JsonPath | None:
    """The list that ``[*]`` sources split documents over, or None.

    Raises ``ValueError`` when they name different lists.
    """
    lists = {
        path.list_path
        for source in sources
        if source
        for path in source.paths
        if path.list_path is not None
    }
    if len(lists) > 1:
        raise ValueError(
            "[*] must split over one list; these differ: "
            + ", ".join(sorted(path.text for path in lists))
        )
    return lists.pop() if lists else None


def json_kind(value: Any) -> str:
    """The JSON type of ``value`` with its article, as a reason names it ("an object")."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int | float | Decimal):
        return "a number"
    return f"a {type(value).__name__}"


def scalar_text(value: Any) -> str | None:
    """An id read from a document, as text: a string as it is, a number as its JSON text
    (``539`` is ``"539"``); None when absent (``MISSING``, ``null``).

    Raises ``ValueError`` for an object, an array or a boolean: none is an id.
    """
    if value is MISSING or value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        # The text a float gives, as before numbers were kept exact: ids stay the same.
        value = float(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"the value there is {value!r}, not a finite number")
        return json.dumps(value)
    raise ValueError(f"the value there is {json_kind(value)}, not a string or a number")
