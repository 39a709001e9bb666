"""The demo installs the project's addons, not those written to run tests."""

from logistics_demo.odoo_instance import ADDONS_DIR, demo_addons


def _write_addon(root, name, category):
    (root / name).mkdir()
    (root / name / "__manifest__.py").write_text(
        f'# comment\n{{"name": "{name}", "category": "{category}", "depends": ["base"]}}\n',
        encoding="utf-8",
    )


def test_demo_skips_addons_of_the_test_only_category(tmp_path):
    _write_addon(tmp_path, "shop_b", "Inventory/Logistics")
    _write_addon(tmp_path, "shop_a", "Accounting/Accounting")
    _write_addon(tmp_path, "shop_tours", "Hidden/Tests")
    (tmp_path / "not_an_addon").mkdir()

    assert demo_addons(tmp_path) == ["shop_a", "shop_b"]


def test_demo_installs_every_project_addon_but_the_role_tests():
    addons = demo_addons()
    every = sorted(path.parent.name for path in ADDONS_DIR.glob("*/__manifest__.py"))

    assert "logistics_role_tests" in every
    assert "logistics_role_tests" not in addons
    assert addons == [name for name in every if name != "logistics_role_tests"]
