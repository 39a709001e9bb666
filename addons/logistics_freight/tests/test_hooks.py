from odoo.tests.common import TransactionCase

from ..hooks import pre_init_hook


class TestPreInitHook(TransactionCase):
    """On a database from before logistics_freight, the freight metadata of
    logistics_tms_inbound is re-homed; the inbox's stays where it is."""

    def _xmlid(self, module, name, model="ir.ui.view"):
        return self.env["ir.model.data"].create(
            {"module": module, "name": name, "model": model, "res_id": 1, "noupdate": False}
        )

    def test_freight_rows_move_and_inbox_rows_stay(self):
        moved = [
            self._xmlid("logistics_tms_inbound", name, model)
            for name, model in (
                ("old_field_probe", "ir.model.fields"),
                ("field_logistics_carrier_tolerance__old_probe", "ir.model.fields"),
                ("selection__logistics_shipment__invoice_release_state__old_probe", "x"),
                ("logistics_freight_charge_decision_old_probe", "ir.ui.view"),
            )
        ]
        # An underscore in a prefix is literal, not the LIKE wildcard.
        kept = self._xmlid("logistics_tms_inbound", "logistics_carrier_toleranceXold_probe")
        pre_init_hook(self.env)
        self.env["ir.model.data"].invalidate_model()
        self.assertEqual(moved[0].module, "logistics_tms_inbound", "not a freight name")
        self.assertEqual({m.module for m in moved[1:]}, {"logistics_freight"})
        self.assertEqual(kept.module, "logistics_tms_inbound")
        self.assertEqual(
            self.env.ref("logistics_inbound.group_logistics_bridge")._name, "res.groups"
        )
