from odoo.tests import HttpCase, tagged

from .common import ChangeControlCase

MAPPING_SPEC = {"raw_code": {}, "profile_id": {"fields": {"display_name": {}}}}


class HeldCreationWebCase(ChangeControlCase):
    """An active profile whose status mapping an Integration Administrator extends
    in the web client."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.requester.tour_enabled = False
        cls.profile = cls.env["logistics.inbound.profile"].create(
            {
                "name": "CC web profile",
                "document_format": "json",
                "path_event_id": "document.id",
                "path_shipment_reference": "document.ref",
                "path_event_type": "=status",
            }
        )
        cls.event = cls.env.ref("logistics_integration.event_type_exception_raised")

    def _mapping_requests(self):
        return self.requests.search(
            [("kind", "=", "record"), ("res_model", "=", "logistics.status.mapping")]
        )


class TestHeldCreationWebSave(HeldCreationWebCase):
    """What the web client's save of a new record returns when the creation waits."""

    def test_a_held_row_returns_no_record_and_makes_a_request(self):
        mappings = self.env["logistics.status.mapping"].with_user(self.requester)
        result = mappings.web_save(
            {"profile_id": self.profile.id, "raw_code": "WEB-1", "event_type_id": self.event.id},
            MAPPING_SPEC,
        )
        # no record to read back: the client says the addition waits
        self.assertEqual(result, [])
        self.assertFalse(self.profile.status_mapping_ids)
        request = self._mapping_requests()
        self.assertEqual(
            (request.state, request.requested_by_id, request.line_ids.action),
            ("to_approve", self.requester, "new"),
        )
        self.assertEqual(request.line_ids.changes["raw_code"], ["", "WEB-1"])
        request.with_user(self.approver).action_approve()
        self.assertEqual(self.profile.status_mapping_ids.mapped("raw_code"), ["WEB-1"])

    def test_a_row_added_in_the_profile_form_reads_back_the_profile(self):
        profiles = self.env["logistics.inbound.profile"].with_user(self.requester)
        [profile] = self.profile.with_user(self.requester).web_save(
            {"status_mapping_ids": [(0, 0, {"raw_code": "WEB-2", "event_type_id": self.event.id})]},
            {"name": {}, "status_mapping_ids": {"fields": {"raw_code": {}}}},
        )
        self.assertEqual((profile["id"], profile["status_mapping_ids"]), (self.profile.id, []))
        self.assertEqual(self._mapping_requests().line_ids.changes["raw_code"], ["", "WEB-2"])
        self.assertEqual(profiles.browse(self.profile.id).status_mapping_ids.ids, [])

    def test_a_new_row_of_an_archived_profile_is_read_back(self):
        self.profile.active = False
        mappings = self.env["logistics.status.mapping"].with_user(self.requester)
        [row] = mappings.web_save(
            {"profile_id": self.profile.id, "raw_code": "WEB-3", "event_type_id": self.event.id},
            MAPPING_SPEC,
        )
        self.assertEqual(row["raw_code"], "WEB-3")
        self.assertEqual(row["id"], self.profile.status_mapping_ids.id)
        self.assertFalse(self._mapping_requests())


@tagged("post_install", "-at_install")
class TestHeldCreationTour(HeldCreationWebCase, HttpCase):
    def test_the_status_mapping_list_says_an_addition_waits(self):
        self.start_tour(
            "/odoo/action-logistics_inbound.logistics_status_mapping_action",
            "logistics_held_mapping",
            login=self.requester.login,
            timeout=300,
        )
        request = self._mapping_requests()
        self.assertEqual(request.line_ids.changes["raw_code"], ["", "WEB-HELD"])
        self.assertEqual(request.requested_by_id, self.requester)
        self.assertFalse(self.profile.status_mapping_ids)

    def test_the_profile_form_says_a_new_profile_waits(self):
        self.start_tour(
            "/odoo/action-logistics_inbound.logistics_inbound_profile_action/new",
            "logistics_held_profile",
            login=self.requester.login,
            timeout=300,
        )
        request = self.requests.search(
            [("kind", "=", "record"), ("res_model", "=", "logistics.inbound.profile")]
        )
        self.assertEqual(request.line_ids.action, "new")
        self.assertEqual(request.line_ids.changes["path_event_id"], ["", "payload.id"])
        profiles = self.env["logistics.inbound.profile"].with_context(active_test=False)
        self.assertFalse(profiles.search([("name", "=", "CC web new source")]))
