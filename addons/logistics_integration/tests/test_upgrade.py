from odoo.tests.common import TransactionCase

from ..upgrade import adopt_records


class TestAdoptRecords(TransactionCase):
    """An addon takes its moved records from the addons built on it, and only from them."""

    def _xmlid(self, module, name):
        return self.env["ir.model.data"].create(
            {"module": module, "name": name, "model": "ir.ui.view", "res_id": 1}
        )

    def test_records_come_from_dependents_only(self):
        self.env.cr.execute(
            """SELECT m.name FROM ir_module_module m
                 JOIN ir_module_module_dependency d ON d.module_id = m.id
                WHERE d.name = 'logistics_integration' LIMIT 1"""
        )
        dependent = self.env.cr.fetchone()[0]
        moved = self._xmlid(dependent, "moved_probe_view")
        unrelated = self._xmlid("base", "moved_probe_other")
        wildcard = self._xmlid(dependent, "movedXprobe_wildcard")
        self._xmlid("logistics_integration", "moved_probe_taken")
        taken_elsewhere = self._xmlid(dependent, "moved_probe_taken")

        adopted = adopt_records(
            self.env.cr,
            "logistics_integration",
            ["moved_probe_view", "moved_probe_other", "moved_probe_taken"],
            [r"moved\_probe\_wild%"],
        )
        self.env["ir.model.data"].invalidate_model()
        self.assertEqual(adopted, 1)
        self.assertEqual(moved.module, "logistics_integration")
        self.assertEqual(unrelated.module, "base", "base is not built on the addon")
        self.assertEqual(wildcard.module, dependent, "an escaped _ is no wildcard")
        self.assertEqual(taken_elsewhere.module, dependent, "the addon has it already")

    def test_cards_come_from_any_addon_other_records_from_addons_built_on_it(self):
        """An Overview card moves to the addon owning its records, from wherever it was;
        other records come from addons built on the taker, however indirectly."""
        card = self.env["ir.model.data"].create(
            {
                "module": "base",
                "name": "moved_probe_card",
                "model": "logistics.overview.card",
                "res_id": 1,
            }
        )
        indirect = self._xmlid("logistics_monitoring", "moved_probe_indirect")
        adopted = adopt_records(
            self.env.cr,
            "logistics_shipment",
            ["moved_probe_card", "moved_probe_indirect"],
            model="logistics.overview.card",
        )
        self.env["ir.model.data"].invalidate_model()
        self.assertEqual(adopted, 2)
        self.assertEqual((card.module, indirect.module), ("logistics_shipment",) * 2)
