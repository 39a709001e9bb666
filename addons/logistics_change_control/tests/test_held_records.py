from .common import ChangeControlCase

PROFILE_VALUES = {
    "document_format": "json",
    "path_event_id": "document.id",
    "path_shipment_reference": "document.ref",
    "path_event_type": "=status",
}


class TestHeldRecords(ChangeControlCase):
    """Creating or deleting an exchange type of an endpoint or an active inbound
    profile waits for a second Integration Administrator, like a change of its
    governed fields."""

    def _request(self, model):
        return self.requests.search([("kind", "=", "record"), ("res_model", "=", model)])

    def _exchange_types(self):
        return self.env["logistics.exchange.type"].with_user(self.requester)

    def _create_exchange_type(self):
        return self._exchange_types().create(
            {
                "name": "Change control invoices",
                "code": "cc_invoices",
                "endpoint_id": self.endpoint.id,
                "direction": "outbound",
                "schema_name": "cc-invoice",
                "schema_version": "3",
            }
        )

    def _profiles(self):
        return self.env["logistics.inbound.profile"].with_user(self.requester)

    def test_a_new_exchange_type_waits_and_is_created_on_approval(self):
        self.assertFalse(self._create_exchange_type())
        domain = [("endpoint_id", "=", self.endpoint.id), ("code", "=", "cc_invoices")]
        self.assertFalse(self._exchange_types().search(domain))
        request = self._request("logistics.exchange.type")
        self.assertEqual((request.state, request.line_ids.action), ("to_approve", "new"))
        self.assertEqual(request.requested_by_id, self.requester)
        self.assertEqual(
            request.line_ids.changes,
            {"schema_name": ["", "cc-invoice"], "schema_version": ["", "3"]},
        )
        request.with_user(self.approver).action_approve()
        created = self._exchange_types().search(domain)
        self.assertEqual((created.schema_name, created.schema_version), ("cc-invoice", "3"))
        self.assertEqual(request.line_ids.res_id, created.id)
        self.assertEqual((request.state, request.approved_by_id), ("applied", self.approver))

    def test_a_refused_exchange_type_is_never_created(self):
        self._create_exchange_type()
        self._request("logistics.exchange.type").with_user(self.approver).action_refuse("no")
        self.assertFalse(
            self._exchange_types().search(
                [("endpoint_id", "=", self.endpoint.id), ("code", "=", "cc_invoices")]
            )
        )

    def test_deleting_an_exchange_type_waits_until_approved(self):
        self.exchange_type.with_user(self.requester).unlink()
        self.assertTrue(self.exchange_type.exists())
        request = self._request("logistics.exchange.type")
        self.assertEqual(request.line_ids.action, "deleted")
        self.assertEqual(request.line_ids.res_id, self.exchange_type.id)
        self.assertEqual(request.line_ids.changes["schema_version"], ["1", "-"])
        request.with_user(self.approver).action_approve()
        self.assertFalse(self.exchange_type.exists())
        self.assertEqual(request.state, "applied")

    def test_a_refused_deletion_keeps_the_exchange_type(self):
        self.exchange_type.with_user(self.requester).unlink()
        self._request("logistics.exchange.type").with_user(self.approver).action_refuse("no")
        self.assertTrue(self.exchange_type.exists())
        self.assertEqual(self.exchange_type.schema_version, "1")

    def test_templates_are_created_and_deleted_at_once(self):
        template = self._exchange_types().create(
            {
                "name": "Template",
                "code": "cc_template",
                "endpoint_kind": "tms",
                "direction": "outbound",
            }
        )
        self.assertTrue(template)
        template.unlink()
        self.assertFalse(template.exists())
        self.assertFalse(self._request("logistics.exchange.type"))

    def test_a_new_profile_waits_and_a_refused_one_is_never_created(self):
        self.assertFalse(self._profiles().create(dict(PROFILE_VALUES, name="CC refused")))
        request = self._request("logistics.inbound.profile")
        self.assertEqual(request.line_ids.action, "new")
        request.with_user(self.approver).action_refuse("not this source")
        self.assertFalse(self._profiles().search([("name", "=", "CC refused")]))
        # an archived profile is nobody's live configuration: created at once
        archived = self._profiles().create(dict(PROFILE_VALUES, name="CC draft", active=False))
        self.assertTrue(archived.exists())
        self.assertEqual(len(self._request("logistics.inbound.profile")), 1)

    def test_deleting_an_active_profile_waits_until_approved(self):
        profile = self.env["logistics.inbound.profile"].create(dict(PROFILE_VALUES, name="CC old"))
        profile.with_user(self.requester).unlink()
        self.assertTrue(profile.exists())
        refused = self._request("logistics.inbound.profile")
        self.assertEqual(refused.line_ids.action, "deleted")
        refused.with_user(self.approver).action_refuse("still in use")
        self.assertTrue(profile.exists())
        profile.with_user(self.requester).unlink()
        approved = self._request("logistics.inbound.profile") - refused
        approved.with_user(self.approver).action_approve()
        self.assertFalse(profile.exists())
        self.assertEqual(approved.state, "applied")
