"""No production module reaches into another addon's or package's private names: what one
part offers another is public, so a rename inside a part cannot break its neighbours. The
addons share only the contract package with the bridge."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from conftest import BRIDGE_SRC

ROOT = BRIDGE_SRC.parent
ADDONS = ROOT / "addons"
CONTRACT = "logistics_contract"


def _imports(path: Path) -> Iterator[tuple[int, str, str, list[str]]]:
    """(line, part, module, names imported) of each absolute import in ``path`` of one of
    the project's parts (``logistics_*`` addons and packages)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found = [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found = [(node.module, [alias.name for alias in node.names])]
        else:
            continue
        for module, names in found:
            parts = module.split(".")
            part = parts[2] if parts[:2] == ["odoo", "addons"] and len(parts) > 2 else parts[0]
            if part.startswith("logistics_"):
                yield node.lineno, part, module, names


def _private_imports(path: Path, own: str) -> list[str]:
    """``from <module> import _name`` of another of the project's parts than ``own`` in
    ``path``."""
    return [
        f"{path.relative_to(ROOT)}:{line} {module}.{name}"
        for line, part, module, names in _imports(path)
        if part != own
        for name in names
        if name.startswith("_") and not name.startswith("__")
    ]


def _addon_modules() -> Iterator[tuple[Path, str]]:
    """Each production module of the addons (not their tests or migrations), with its
    addon."""
    for path in sorted(ADDONS.glob("*/**/*.py")):
        relative = path.relative_to(ADDONS).parts
        if "tests" not in relative and "migrations" not in relative:
            yield path, relative[0]


def test_addons_import_no_private_name_of_another_addon():
    offending = []
    for path, addon in _addon_modules():
        offending += _private_imports(path, own=addon)
    assert ADDONS.joinpath("logistics_integration", "__init__.py").exists()
    assert not offending, "\n".join(offending)


def test_addons_import_the_contract_and_no_other_package():
    """The bridge, the simulator and the demo are programs an addon never loads: what the
    addons read alike with the bridge is in the contract package."""
    packages = {path.parent.name for path in BRIDGE_SRC.glob("*/__init__.py")}
    assert {CONTRACT, "logistics_bridge"} <= packages
    offending = [
        f"{path.relative_to(ROOT)}:{line} {module}"
        for path, _addon in _addon_modules()
        for line, part, module, _names in _imports(path)
        if part in packages - {CONTRACT}
    ]
    assert not offending, "\n".join(offending)


def test_bridge_packages_import_no_private_name_of_another_package():
    offending = []
    for path in sorted(BRIDGE_SRC.glob("*/**/*.py")):
        offending += _private_imports(path, own=path.relative_to(BRIDGE_SRC).parts[0])
    assert BRIDGE_SRC.joinpath("logistics_bridge", "__init__.py").exists()
    assert not offending, "\n".join(offending)
