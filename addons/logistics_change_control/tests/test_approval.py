from odoo.exceptions import AccessError, UserError

from .common import ChangeControlCase


class TestApproval(ChangeControlCase):
    def test_requester_cannot_approve_their_own_import(self):
        request = self._import(self._export())
        # The form shows the requester Cancel and the other administrators Approve.
        self.assertTrue(request.with_user(self.requester).is_requester)
        self.assertFalse(request.with_user(self.approver).is_requester)
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

    def _active_profile(self):
        event = self.env.ref("logistics_integration.event_type_delivered")
        return self.env["logistics.inbound.profile"].create(
            {
                "name": "CC held lines",
                "document_format": "json",
                "path_event_id": "document.id",
                "path_shipment_reference": "document.ref",
                "path_event_type": "=status",
                "status_mapping_ids": [(0, 0, {"raw_code": "DL", "event_type_id": event.id})],
            }
        )

    def _record_requests(self, model="logistics.status.mapping"):
        return self.requests.search([("kind", "=", "record"), ("res_model", "=", model)])

    def test_adding_a_mapping_to_an_active_profile_waits_for_approval(self):
        profile = self._active_profile()
        event = self.env.ref("logistics_integration.event_type_exception_raised")
        mappings = self.env["logistics.status.mapping"].with_user(self.requester)
        created = mappings.create(
            {"profile_id": profile.id, "raw_code": "EX", "event_type_id": event.id}
        )
        # a line added in the profile's form is held the same way
        profile.with_user(self.requester).write(
            {"status_mapping_ids": [(0, 0, {"raw_code": "RT", "event_type_id": event.id})]}
        )
        self.assertFalse(created)
        self.assertEqual(profile.status_mapping_ids.mapped("raw_code"), ["DL"])
        requests = self._record_requests()
        self.assertEqual(len(requests), 2)
        self.assertEqual(requests.line_ids.mapped("action"), ["new", "new"])
        self.assertEqual(
            sorted(line.changes["raw_code"][1] for line in requests.line_ids), ["EX", "RT"]
        )
        with self.assertRaisesRegex(AccessError, "second Integration Administrator"):
            requests[0].with_user(self.requester).action_approve()
        self.assertEqual(profile.status_mapping_ids.mapped("raw_code"), ["DL"])
        requests.with_user(self.approver).action_approve()
        self.assertEqual(sorted(profile.status_mapping_ids.mapped("raw_code")), ["DL", "EX", "RT"])
        self.assertEqual(set(requests.mapped("state")), {"applied"})
        self.assertEqual(
            set(requests.line_ids.mapped("res_id")),
            set(profile.status_mapping_ids.filtered(lambda m: m.raw_code != "DL").ids),
        )

    def test_deleting_a_mapping_of_an_active_profile_waits_for_approval(self):
        profile = self._active_profile()
        mapping = profile.status_mapping_ids
        mapping.with_user(self.requester).unlink()
        self.assertTrue(mapping.exists())
        request = self._record_requests()
        self.assertEqual(request.line_ids.action, "deleted")
        self.assertEqual(request.line_ids.res_id, mapping.id)
        self.assertEqual(request.line_ids.changes["raw_code"], ["DL", "-"])
        self.assertEqual(request.line_ids.record_label, "CC held lines: DL → Delivered")
        with self.assertRaises(AccessError):
            request.with_user(self.requester).action_approve()
        self.assertTrue(mapping.exists())
        request.with_user(self.approver).action_approve()
        self.assertFalse(mapping.exists())
        self.assertEqual(request.state, "applied")

    def test_mappings_of_archived_profiles_and_endpoints_change_at_once(self):
        profile = self._active_profile()
        profile.active = False
        event = self.env.ref("logistics_integration.event_type_exception_raised")
        mappings = self.env["logistics.status.mapping"].with_user(self.requester)
        on_archived = mappings.create(
            {"profile_id": profile.id, "raw_code": "EX", "event_type_id": event.id}
        )
        on_endpoint = mappings.create(
            {"endpoint_id": self.endpoint.id, "raw_code": "EX", "event_type_id": event.id}
        )
        self.assertTrue(on_archived.exists() and on_endpoint.exists())
        (on_archived | on_endpoint | profile.status_mapping_ids).unlink()
        self.assertFalse(profile.status_mapping_ids)
        self.assertFalse(self._record_requests())

    def test_a_refused_addition_creates_nothing(self):
        profile = self._active_profile()
        event = self.env.ref("logistics_integration.event_type_exception_raised")
        self.env["logistics.status.mapping"].with_user(self.requester).create(
            {"profile_id": profile.id, "raw_code": "EX", "event_type_id": event.id}
        )
        request = self._record_requests()
        request.with_user(self.approver).action_refuse("not mapped like that")
        self.assertEqual(profile.status_mapping_ids.mapped("raw_code"), ["DL"])

    def test_deleting_a_change_control_row_waits_for_approval(self):
        row = self.env.ref("logistics_change_control.change_model_status_mapping")
        row.with_user(self.requester).unlink()
        self.assertTrue(row.exists())
        request = self._record_requests("logistics.change.model")
        self.assertEqual(request.line_ids.action, "deleted")
        request.with_user(self.approver).action_approve()
        self.assertFalse(row.exists())

    def test_a_new_profile_comes_with_its_mappings(self):
        """Lines created with their profile are part of its creation; adding one to
        the profile afterwards waits."""
        event = self.env.ref("logistics_integration.event_type_exception_raised")
        profiles = self.env["logistics.inbound.profile"].with_user(self.requester)
        created = profiles.create(
            {
                "name": "CC new source",
                "document_format": "json",
                "path_event_id": "document.id",
                "path_shipment_reference": "document.ref",
                "path_event_type": "=status",
                "status_mapping_ids": [(0, 0, {"raw_code": "EX", "event_type_id": event.id})],
            }
        )
        self.assertFalse(created)
        self.assertFalse(profiles.search([("name", "=", "CC new source")]))
        request = self._record_requests("logistics.inbound.profile")
        self.assertEqual(request.line_ids.action, "new")
        self.assertEqual(request.line_ids.record_label, "CC new source")
        self.assertEqual(request.line_ids.changes["path_event_id"], ["", "document.id"])
        self.assertFalse(self._record_requests())
        request.with_user(self.approver).action_approve()
        self.assertEqual(request.state, "applied")
        profile = profiles.browse(request.line_ids.res_id)
        self.assertEqual(profile.name, "CC new source")
        self.assertEqual(profile.status_mapping_ids.mapped("raw_code"), ["EX"])
        # the approved profile is active: adding a line to it waits
        profile.write(
            {"status_mapping_ids": [(0, 0, {"raw_code": "RT", "event_type_id": event.id})]}
        )
        self.assertEqual(profile.status_mapping_ids.mapped("raw_code"), ["EX"])
        self.assertEqual(self._record_requests().line_ids.action, "new")

    def test_who_may_not_change_mappings_gets_no_request(self):
        profile = self._active_profile()
        event = self.env.ref("logistics_integration.event_type_exception_raised")
        mappings = self.env["logistics.status.mapping"].with_user(self.logistics_manager)
        with self.assertRaises(AccessError):
            mappings.create({"profile_id": profile.id, "raw_code": "EX", "event_type_id": event.id})
        with self.assertRaises(AccessError):
            profile.status_mapping_ids.with_user(self.logistics_manager).unlink()
        with self.assertRaises(AccessError):
            profile.status_mapping_ids.with_user(self.logistics_manager).write({"raw_code": "X"})
        self.assertFalse(self._record_requests())
        self.assertEqual(profile.status_mapping_ids.mapped("raw_code"), ["DL"])
