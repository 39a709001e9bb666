from dataclasses import FrozenInstanceError

from .common import LogisticsInboundCase

# Queries of one warm call of 10 events for one shipment on this fixture, the test's
# own read of the endpoint code included: 16 (17 before the profile's rules were kept
# per worker, 23 before the endpoint and status mapping lookups were).
MAX_QUERIES_PER_CALL = 16


class TestIngestCaches(LogisticsInboundCase):
    """The lookups kept per worker for every ingest call follow configuration changes."""

    def _ingest_status(self, status_code, endpoint=None, **payload):
        event = self._event(status_code=status_code, **payload)
        answer = self._ingest_one(event, endpoint=endpoint)
        milestone = self.env["logistics.milestone"].search(
            [("external_event_id", "=", answer["event_id"])]
        )
        return answer["result"], milestone.event_type_id.code

    def test_call_of_ten_events_has_a_fixed_query_count(self):
        self._ingest(*[self._event(status_code="AF") for _ in range(10)])
        events = [self._event(status_code="X6") for _ in range(10)]
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        answers = self._ingest(*events)
        queries = self.env.cr.sql_log_count - before
        self.assertEqual({answer["result"] for answer in answers}, {"processed"})
        self.assertLessEqual(queries, MAX_QUERIES_PER_CALL)

    def test_the_kept_rules_of_a_profile_cannot_be_changed_by_a_caller(self):
        profile = self.source_endpoint.logistics_inbound_profile_id
        _format, spec, _match_keys = profile._get_ingest_rules()
        with self.assertRaises(TypeError):
            spec.scalars["status_code"] = spec.scalars["status_detail"]
        with self.assertRaises(FrozenInstanceError):
            spec.local_timezone = "Europe/Paris"
        self.assertIs(profile._get_ingest_rules()[1], spec)
        self.assertEqual(self._ingest_status("AF"), ("processed", "picked_up"))

    def test_status_mapping_changes_apply_to_the_next_call(self):
        profile = self.source_endpoint.logistics_inbound_profile_id
        self.assertEqual(self._ingest_status("ZZ1"), ("needs_review", False))
        mapping = self._map(profile, "ZZ1", "in_transit")
        self.assertEqual(self._ingest_status("ZZ1"), ("processed", "in_transit"))
        mapping.event_type_id = self.event_types["delivered"]
        self.assertEqual(self._ingest_status("ZZ1"), ("processed", "delivered"))
        mapping.unlink()
        self.assertEqual(self._ingest_status("ZZ1"), ("needs_review", False))

    def test_endpoint_mapping_overrides_the_profile_from_the_next_call(self):
        self.assertEqual(self._ingest_status("AF"), ("processed", "picked_up"))
        self.env["logistics.status.mapping"].create(
            {
                "endpoint_id": self.source_endpoint.id,
                "raw_code": "AF",
                "event_type_id": self.event_types["in_transit"].id,
            }
        )
        self.assertEqual(self._ingest_status("AF"), ("processed", "in_transit"))

    def test_another_profile_applies_to_the_next_call(self):
        self.assertEqual(self._ingest_status("AF"), ("processed", "picked_up"))
        profile = self._create_envelope_profile()
        profile.status_mapping_ids.filtered(lambda m: m.raw_code == "AF").unlink()
        self.source_endpoint.logistics_inbound_profile_id = profile
        self.assertEqual(self._ingest_status("AF"), ("needs_review", False))

    def test_profile_edits_apply_to_the_next_call(self):
        profile = self._create_envelope_profile()
        endpoint = self._carrier_endpoint(profile)
        event = {"status_code": "ZZ", "status_detail": "AF", "endpoint": endpoint}
        self.assertEqual(self._ingest_status(**event), ("needs_review", False))
        profile.path_status_code = "payload.status_detail"
        self.assertEqual(self._ingest_status(**event), ("processed", "picked_up"))
        event["reference"] = self.shipment.name
        self.assertEqual(self._ingest_status(**event)[0], "processed")
        profile.shipment_match_order = "tms_reference"
        self.assertEqual(self._ingest_status(**event)[0], "needs_review")

    def test_deleted_profile_applies_to_the_next_call(self):
        profile = self._create_envelope_profile()
        self._map(profile, "ZZ2", "in_transit")
        endpoint = self._carrier_endpoint(profile)
        self.assertEqual(self._ingest_status("ZZ2", endpoint=endpoint), ("processed", "in_transit"))
        profile.unlink()
        # Read by the generic tms-event profile now, which does not know the code.
        self.assertEqual(self._ingest_status("ZZ2", endpoint=endpoint), ("needs_review", False))

    def test_renamed_endpoint_code_applies_to_the_next_call(self):
        endpoint = self._carrier_endpoint(self._create_envelope_profile())
        old_code = endpoint.code
        self.assertEqual(self._ingest_status("AF", endpoint=endpoint)[0], "processed")
        endpoint.code = f"{old_code}_renamed"
        ingest = self.env["logistics.ingest"].with_user(self.bridge_user)
        answer = ingest.ingest_events(old_code, [self._event(status_code="AF")])[0]
        self.assertEqual(answer["result"], "rejected")
        self.assertEqual(self._ingest_status("AF", endpoint=endpoint)[0], "processed")

    def test_bridge_user_leaving_the_company_applies_to_the_next_call(self):
        self.assertEqual(self._ingest_status("AF")[0], "processed")
        other = self.env["res.company"].create({"name": "Other logistics company"})
        self.bridge_user.write({"company_ids": [(6, 0, [other.id])], "company_id": other.id})
        self.assertEqual(self._ingest_status("AF")[0], "rejected")

    def test_new_inbound_exchange_type_applies_to_the_next_call(self):
        self._ingest_status("AF")
        exchange_type = self.env["logistics.exchange.type"].create(
            {
                "name": "Envelope events",
                "code": "zz_envelope_event",
                "endpoint_id": self.source_endpoint.id,
                "direction": "inbound",
                "handler_model": "logistics.exchange.handler",
                "schema_name": "tms-event",
            }
        )
        answer = self._ingest_one(self._event(status_code="AF"))
        inbox = self.env["logistics.inbound.event"].search(
            [("external_event_id", "=", answer["event_id"])]
        )
        self.assertEqual(inbox.exchange_type_id, exchange_type)
        exchange_type.active = False
        answer = self._ingest_one(self._event(status_code="AF"))
        inbox = self.env["logistics.inbound.event"].search(
            [("external_event_id", "=", answer["event_id"])]
        )
        self.assertNotEqual(inbox.exchange_type_id, exchange_type)
