"""No production module reaches into another addon's or package's private names: what one
part offers another is public, so a rename inside a part cannot break its neighbours."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import BRIDGE_SRC

ROOT = BRIDGE_SRC.parent
ADDONS = ROOT / "addons"


def _private_imports(path: Path, own: str) -> list[str]:
    """``from <module> import _name`` of another of the project's parts (``logistics_*``
    addons and packages) than ``own`` in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
            continue
        parts = node.module.split(".")
        part = parts[2] if parts[:2] == ["odoo", "addons"] and len(parts) > 2 else parts[0]
        if part == own or not part.startswith("logistics_"):
            continue
        found += [
            f"{path.relative_to(ROOT)}:{node.lineno} {node.module}.{alias.name}"
            for alias in node.names
            if alias.name.startswith("_") and not alias.name.startswith("__")
        ]
    return found


def test_addons_import_no_private_name_of_another_addon():
    offending = []
    for path in sorted(ADDONS.glob("*/**/*.py")):
        relative = path.relative_to(ADDONS).parts
        if "tests" in relative or "migrations" in relative:
            continue
        offending += _private_imports(path, own=relative[0])
    assert ADDONS.joinpath("logistics_integration", "__init__.py").exists()
    assert not offending, "\n".join(offending)


def test_bridge_packages_import_no_private_name_of_another_package():
    offending = []
    for path in sorted(BRIDGE_SRC.glob("*/**/*.py")):
        offending += _private_imports(path, own=path.relative_to(BRIDGE_SRC).parts[0])
    assert BRIDGE_SRC.joinpath("logistics_bridge", "__init__.py").exists()
    assert not offending, "\n".join(offending)
