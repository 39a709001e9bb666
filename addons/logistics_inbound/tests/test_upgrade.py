from odoo.tests.common import TransactionCase

from ..hooks import MOVED_LIFECYCLE_RECORDS, pre_init_hook, rehome_records

# Where a database from before this addon holds its records: the TMS addon built on it.
OLD_MODULE = "logistics_tms_inbound"

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
    "mail_activity_type_shipment_exception",
    "logistics_shipment_view_kanban",
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

    def _hand_back(self, names):
        """Give ``names`` to logistics_tms_inbound, as a database from before has them."""
        self.env.cr.execute(
            "UPDATE ir_model_data SET module = %s WHERE module = 'logistics_inbound' "
            "AND name = ANY(%s)",
            (OLD_MODULE, names),
        )

    def _keep_staying_records(self):
        """The records logistics_tms_inbound keeps, whether or not it is installed."""
        for name in STAYING:
            self.env.cr.execute(
                "INSERT INTO ir_model_data (module, name, model, res_id, noupdate) "
                "VALUES (%s, %s, 'ir.ui.view', 1, false) ON CONFLICT DO NOTHING",
                (OLD_MODULE, name),
            )

    def test_hook_rehomes_the_moved_records_only(self):
        self.assertEqual(set(self._modules(MOVED).values()), {"logistics_inbound"})
        self._hand_back(MOVED)
        self._keep_staying_records()
        staying_before = self._modules(STAYING)
        pre_init_hook(self.env)
        self.assertEqual(self._modules(MOVED), dict.fromkeys(MOVED, "logistics_inbound"))
        self.assertEqual(self._modules(STAYING), staying_before)
        self.assertEqual(set(staying_before.values()), {OLD_MODULE})

    def test_hook_on_a_new_database_changes_nothing(self):
        before = self._modules(MOVED + STAYING)
        pre_init_hook(self.env)
        self.assertEqual(self._modules(MOVED + STAYING), before)

    def test_migration_rehomes_the_exception_lifecycle_only(self):
        """The upgrade to 18.0.1.5.0 hands the lifecycle's records to this addon before
        it loads: its activity type is updated in place, not made a second time."""
        activity_type = self.env.ref("logistics_inbound.mail_activity_type_shipment_exception")
        self._hand_back(list(MOVED_LIFECYCLE_RECORDS))
        self._keep_staying_records()
        self.assertEqual(set(self._modules(list(MOVED_LIFECYCLE_RECORDS)).values()), {OLD_MODULE})
        rehome_records(self.env.cr, MOVED_LIFECYCLE_RECORDS)
        self.assertEqual(
            self._modules(list(MOVED_LIFECYCLE_RECORDS)),
            dict.fromkeys(MOVED_LIFECYCLE_RECORDS, "logistics_inbound"),
        )
        self.assertEqual(set(self._modules(STAYING).values()), {OLD_MODULE})
        self.env.registry.clear_cache()
        self.assertEqual(
            self.env.ref("logistics_inbound.mail_activity_type_shipment_exception"), activity_type
        )
