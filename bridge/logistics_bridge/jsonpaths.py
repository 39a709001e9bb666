"""Dotted paths into a JSON document: ``result.tracking_code``, ``events[-1].id``, ``events[*]``.

Grammar: names separated by dots, each optionally followed by ``[n]`` (an index, negative
counts from the end) or ``[*]`` (every element; only as the last step of a split path).
When a document is split, paths are read from each element; a path starting with ``$.``
is read from the whole document instead (e.g. a tracking code next to the list).
A path is parsed once, when the configuration is loaded, so a typo is a configuration
error naming the setting rather than a refusal of every request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_STEP = re.compile(r"(?P<name>[^.\[\]]+)?(?P<indexes>(?:\[(?:-?\d+|\*)\])*)")
_INDEX = re.compile(r"\[(-?\d+|\*)\]")
EVERY = "*"


class _Missing:
    """Marker for "nothing at this path" (``None`` is a JSON value)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class JsonPath:
    """A parsed path: its text and its steps (dict keys as ``str``, list indexes as ``int``)."""

    text: str
    steps: tuple[str | int, ...]
    from_root: bool = False

    @property
    def splits(self) -> bool:
        """True when the path ends in ``[*]``."""
        return bool(self.steps) and self.steps[-1] == EVERY

    def resolve(self, element: Any, document: Any = MISSING) -> Any:
        """The value at this path in ``element`` (in ``document`` for a ``$.`` path), or
        ``MISSING``; a ``[*]`` step must be the last one."""
        value = document if self.from_root and document is not MISSING else element
        for step in self.steps:
            if step == EVERY:
                return value if isinstance(value, list) else MISSING
            if isinstance(step, int):
                if not isinstance(value, list) or not -len(value) <= step < len(value):
                    return MISSING
                value = value[step]
            elif isinstance(value, dict) and step in value:
                value = value[step]
            else:
                return MISSING
        return value


def parse_path(text: str, *, allow_split: bool = False) -> JsonPath:
    """Parse ``text``; raise ``ValueError`` saying what is wrong with it."""
    if not text or text.strip() != text:
        raise ValueError("a path is a non-empty dotted name such as result.tracking_code")
    from_root = text.startswith("$.")
    steps: list[str | int] = []
    for part in text.removeprefix("$.").split("."):
        match = _STEP.fullmatch(part)
        if not part or match is None or (not match.group("name") and not match.group("indexes")):
            raise ValueError(f"{part!r} in {text!r} is not a name, name[n] or name[*]")
        if match.group("name"):
            steps.append(match.group("name"))
        for index in _INDEX.findall(match.group("indexes")):
            steps.append(EVERY if index == EVERY else int(index))
    if EVERY in steps[:-1]:
        raise ValueError(f"[*] may only end the path, not appear inside {text!r}")
    if steps[-1] == EVERY and not allow_split:
        raise ValueError(f"[*] selects several values; {text!r} must select one")
    if allow_split and steps[-1] != EVERY:
        raise ValueError(f"a split path ends in [*], e.g. events[*]; {text!r} does not")
    return JsonPath(text, tuple(steps), from_root)
