from odoo.exceptions import AccessError, UserError

from .common import ChangeControlCase


class TestApproval(ChangeControlCase):
    def test_requester_cannot_approve_their_own_import(self):
        request = self._import(self._export())
        with self.assertRaisesRegex(AccessError, "second Integration Administrator"):
            request.with_user(self.requester).action_approve()
        with self.assertRaisesRegex(UserError, "To Approve"):
            request.with_user(self.requester).action_apply()
        self.assertTrue(request.activity_ids)
        self.assertNotIn(self.requester, request.activity_ids.user_id)
        request.with_user(self.approver).action_approve()
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.approved_by_id, self.approver)
        request.with_user(self.requester).action_apply()
        self.assertEqual(request.state, "applied")
        self.assertTrue(request.applied_date)

    def test_apply_refuses_when_the_database_changed_after_approval(self):
        request = self._import(self._export())
        request.with_user(self.approver).action_approve()
        self.endpoint.read_timeout = 45.0
        with self.assertRaisesRegex(UserError, "changed since the preview"):
            request.with_user(self.approver).action_apply()
        self.assertEqual(request.state, "approved")

    def test_refused_and_cancelled_requests_change_nothing(self):
        document = self._export()
        self.endpoint.read_timeout = 45.0
        refused = self._import(document)
        refused.with_user(self.approver).action_refuse("not this week")
        self.assertEqual((refused.state, refused.refusal_reason), ("refused", "not this week"))
        with self.assertRaises(UserError):
            refused.with_user(self.approver).action_apply()
        cancelled = self._import(document)
        with self.assertRaises(AccessError):
            cancelled.with_user(self.approver).action_cancel()
        cancelled.with_user(self.requester).action_cancel()
        self.assertEqual(cancelled.state, "cancelled")
        self.assertEqual(self.endpoint.read_timeout, 45.0)

    def test_contract_version_waits_for_a_second_administrator(self):
        exchange_type = self.exchange_type.with_user(self.requester)
        exchange_type.write({"schema_version": "2", "description": "v2 from Monday"})
        self.assertEqual(self.exchange_type.schema_version, "1")
        # fields without approval are written at once
        self.assertEqual(self.exchange_type.description, "v2 from Monday")
        request = self.requests.search(
            [("kind", "=", "record"), ("res_model", "=", "logistics.exchange.type")]
        )
        self.assertEqual(request.state, "to_approve")
        self.assertEqual(request.requested_by_id, self.requester)
        self.assertEqual(request.line_ids.res_id, self.exchange_type.id)
        self.assertEqual(request.line_ids.changes, {"schema_version": ["1", "2"]})
        with self.assertRaises(AccessError):
            request.with_user(self.requester).action_approve()
        self.assertEqual(self.exchange_type.schema_version, "1")
        request.with_user(self.approver).action_approve()
        self.assertEqual(self.exchange_type.schema_version, "2")
        self.assertEqual(request.state, "applied")
        self.assertEqual(request.approved_by_id, self.approver)
        self.assertTrue(request.approved_date)

    def test_unchanged_values_and_templates_are_not_held(self):
        self.exchange_type.with_user(self.requester).write({"schema_version": "1"})
        template = self.env["logistics.exchange.type"].create(
            {
                "name": "Template",
                "code": "cc_template",
                "endpoint_kind": "tms",
                "direction": "outbound",
                "schema_version": "1",
            }
        )
        template.with_user(self.requester).write({"schema_version": "3"})
        self.assertEqual(template.schema_version, "3")
        self.assertFalse(self.requests.search([("kind", "=", "record")]))

    def test_active_profile_and_its_mappings_wait_archived_ones_do_not(self):
        event = self.env.ref("logistics_integration.event_type_delivered")
        profile = self.env["logistics.inbound.profile"].create(
            {
                "name": "CC profile",
                "document_format": "json",
                "path_event_id": "document.id",
                "path_shipment_reference": "document.ref",
                "path_event_type": "=status",
                "status_mapping_ids": [(0, 0, {"raw_code": "DL", "event_type_id": event.id})],
            }
        )
        mapping = profile.status_mapping_ids
        profile.with_user(self.requester).write({"path_event_id": "document.event_id"})
        mapping.with_user(self.requester).write({"raw_code": "DLV"})
        self.assertEqual(profile.path_event_id, "document.id")
        self.assertEqual(mapping.raw_code, "DL")
        held = self.requests.search([("kind", "=", "record")])
        self.assertEqual(
            sorted(held.mapped("res_model")),
            ["logistics.inbound.profile", "logistics.status.mapping"],
        )
        held.with_user(self.approver).action_approve()
        self.assertEqual(profile.path_event_id, "document.event_id")
        self.assertEqual(mapping.raw_code, "DLV")
        profile.active = False
        profile.with_user(self.requester).write({"path_event_id": "document.other"})
        self.assertEqual(profile.path_event_id, "document.other")

    def test_requests_of_another_company_are_not_seen(self):
        request = self._import(self._export())
        outsider = self._create_user(
            "lgx_cc_outsider",
            "logistics_integration.group_integration_admin",
            company=self.other_company,
        )
        requests = self.requests.with_user(outsider)
        self.assertFalse(requests.search([("id", "=", request.id)]))
        with self.assertRaises(AccessError):
            request.with_user(outsider).action_approve()

    def test_switching_an_approval_off_waits_for_approval_too(self):
        row = self.env.ref("logistics_change_control.change_model_exchange_type")
        row.with_user(self.requester).write({"approval_fields": False})
        self.assertEqual(row.approval_fields, "schema_name,schema_version")
        self.exchange_type.with_user(self.requester).write({"schema_version": "4"})
        self.assertEqual(self.exchange_type.schema_version, "1")
        switch = self.requests.search(
            [("kind", "=", "record"), ("res_model", "=", "logistics.change.model")]
        )
        switch.with_user(self.approver).action_approve()
        self.assertFalse(row.approval_fields)
        self.exchange_type.with_user(self.requester).write({"schema_version": "5"})
        self.assertEqual(self.exchange_type.schema_version, "5")
