from odoo.tests.common import TransactionCase

from ..hooks import OLD_MODULE, pre_init_hook

MOVED = [
    "model_logistics_inbound_event",
    "model_logistics_inbound_profile",
    "model_inherit__logistics_inbound_event__mail_thread",
    "field_logistics_inbound_event__state",
    "field_logistics_inbound_profile__path_status_code",
    "field_logistics_status_mapping__raw_code",
    "field_logistics_endpoint__logistics_inbound_profile_id",
    "selection__logistics_inbound_event__state__needs_review",
    "constraint_logistics_inbound_event_external_event_unique",
    "access_logistics_inbound_event_user",
    "logistics_inbound_event_company_rule",
    "logistics_inbound_profile_view_form",
    "logistics_status_mapping_action",
    "logistics_endpoint_view_form",
    "menu_logistics_inbound_event",
    "group_logistics_bridge",
]
STAYING = [
    "model_logistics_carrier_tolerance",
    "field_logistics_shipment__pod_signed_by",
    "inbound_profile_generic_tms",
    "status_mapping_generic_af",
    "logistics_carrier_tolerance_company_rule",
]


class TestUpgradeFromTmsInbound(TransactionCase):
    """A database made before logistics_inbound existed keeps its inbox and profiles.

    There these records belonged to logistics_tms_inbound; the install hook
    must hand them to logistics_inbound before Odoo removes the records the
    upgraded logistics_tms_inbound no longer declares (which would drop the
    tables). The full upgrade of a copy of such a database is in the readme.
    """

    def _modules(self, names):
        self.env.cr.execute(
            "SELECT name, module FROM ir_model_data WHERE name = ANY(%s) "
            "AND module IN ('logistics_inbound', 'logistics_tms_inbound')",
            (names,),
        )
        return dict(self.env.cr.fetchall())

    def test_hook_rehomes_the_moved_records_only(self):
        self.assertEqual(set(self._modules(MOVED).values()), {"logistics_inbound"})
        self.env.cr.execute(
            "UPDATE ir_model_data SET module = %s WHERE module = 'logistics_inbound' "
            "AND name = ANY(%s)",
            (OLD_MODULE, MOVED),
        )
        staying_before = self._modules(STAYING)
        pre_init_hook(self.env)
        self.assertEqual(self._modules(MOVED), dict.fromkeys(MOVED, "logistics_inbound"))
        self.assertEqual(self._modules(STAYING), staying_before)
        self.assertEqual(set(staying_before.values()), {OLD_MODULE})

    def test_hook_on_a_new_database_changes_nothing(self):
        before = self._modules(MOVED + STAYING)
        pre_init_hook(self.env)
        self.assertEqual(self._modules(MOVED + STAYING), before)
