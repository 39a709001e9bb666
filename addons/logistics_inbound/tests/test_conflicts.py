import json

from logistics_contract.content import content_hash

from odoo.tests import HttpCase, tagged

from .common import X12_PROFILE_XMLID, LogisticsInboundSourceCase
from .samples import X12_214_INTERCHANGE

PICKED_AT = 1772438400
CONFLICT = "conflicting duplicate kept for review"
JSON = {"Content-Type": "application/json"}


class TestConflictingDuplicates(LogisticsInboundSourceCase):
    """An event id received again with other content is a conflict a person decides on;
    the same content again, however written, stays a duplicate."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.profile = cls._create_profile(event_time_format="epoch_s")
        cls._map(cls.profile, "picked", "picked_up")
        cls._map(cls.profile, "moving", "in_transit")
        cls.carrier = cls._carrier_endpoint(cls.profile)
        cls.carrier.responsible_user_id = cls.integration_admin
        cls.shipment = cls._create_shipment()

    def _event(self, status="picked", at=PICKED_AT, **extra):
        document = {"ref": self.shipment.name, "status": status, "at": at, **extra}
        return self._raw(document, event_id="c-1")

    def _inbound(self):
        return self.env["logistics.inbound.event"].search(
            [("endpoint_id", "=", self.carrier.id), ("external_event_id", "=", "c-1")]
        )

    def _conflict_first(self):
        self._ingest_into(self.carrier, self._event())
        [answer] = self._ingest_into(self.carrier, self._event(status="moving"))
        return answer, self._inbound().conflict_ids

    def test_same_content_written_otherwise_is_a_duplicate(self):
        self._ingest_into(self.carrier, self._event())
        again = self._event()
        again["document"] = dict(reversed(list(again["document"].items())))
        again.update(received_at="2026-03-04T10:00:00+00:00", correlation_id="other")
        [answer] = self._ingest_into(self.carrier, again)
        self.assertEqual(answer["result"], "duplicate")
        self.assertFalse(self._inbound().conflict_ids)

    def test_other_content_is_kept_for_review_with_its_difference(self):
        answer, conflict = self._conflict_first()
        self.assertEqual(answer["result"], "conflict")
        self.assertIn(CONFLICT, answer["reason"])
        self.assertEqual(len(conflict), 1)
        self.assertEqual(conflict.state, "open")
        self.assertIn('status: "picked" → "moving"', conflict.difference)
        self.assertIn('status: "picked" → "moving"', answer["reason"])
        # Nothing applied: the shipment keeps the first event's milestone only.
        self.assertEqual(self.shipment.milestone_ids.event_type_id.code, "picked_up")
        self.assertEqual(conflict.activity_ids.user_id, self.integration_admin)
        # The same conflicting content again is the same conflict, not a new one.
        [again] = self._ingest_into(self.carrier, self._event(status="moving"))
        self.assertEqual(again["result"], "conflict")
        self.assertEqual(self._inbound().conflict_ids, conflict)

    def test_keep_first_closes_the_review_and_changes_nothing(self):
        _answer, conflict = self._conflict_first()
        conflict.with_user(self.integration_admin).action_keep_first()
        self.assertEqual(conflict.state, "kept_first")
        self.assertFalse(conflict.activity_ids)
        self.assertEqual(self.shipment.milestone_ids.event_type_id.code, "picked_up")
        self.assertEqual(self._inbound().raw_code, "picked")

    def test_apply_new_processes_it_as_the_authoritative_version(self):
        _answer, conflict = self._conflict_first()
        conflict.with_user(self.integration_admin).action_apply_new()
        self.assertEqual(conflict.state, "applied")
        self.assertFalse(conflict.activity_ids)
        inbound = self._inbound()
        self.assertEqual(inbound.raw_code, "moving")
        self.assertEqual(inbound.milestone_id.event_type_id.code, "in_transit")
        # The first content's milestone is replaced, not kept beside the new one.
        self.assertEqual(self.shipment.milestone_ids, inbound.milestone_id)
        # The new content is now the event's: it is the duplicate, the old one a conflict.
        [same] = self._ingest_into(self.carrier, self._event(status="moving"))
        self.assertEqual(same["result"], "duplicate")
        [old] = self._ingest_into(self.carrier, self._event())
        self.assertEqual(old["result"], "conflict")

    def test_conflict_within_one_batch_is_found(self):
        answers = self._ingest_into(self.carrier, self._event(), self._event(status="moving"))
        self.assertEqual([a["result"] for a in answers], ["processed", "conflict"])
        self.assertEqual(len(self._inbound().conflict_ids), 1)

    def test_amounts_keep_their_value_in_the_difference(self):
        self._ingest_into(self.carrier, self._event(amount=1234.5678901234))
        [answer] = self._ingest_into(self.carrier, self._event(amount=1234.5678901235))
        self.assertEqual(answer["result"], "conflict")
        self.assertIn("1234.5678901234 → 1234.5678901235", self._inbound().conflict_ids.difference)


# The sample interchange as its network sends it again: the same control numbers and sets,
# another interchange date and time (ISA09/ISA10), group date and time (GS04/GS05) and
# acknowledgement requested (ISA14).
X12_REENVELOPED = (
    X12_214_INTERCHANGE.replace("*260303*0900*", "*260304*2359*", 1)
    .replace("*0*P*>", "*1*P*>", 1)
    .replace("*20260303*0900*", "*20260304*235959*", 1)
)
FIRST_AT7 = "AT7*AF*NS***20260302*0800*ET"


class TestX12Resends(LogisticsInboundSourceCase):
    """An X12 set sent again in a new envelope is a duplicate: when an interchange was
    transmitted is not what its sets say; another status or shipment under the same
    control numbers stays a conflict."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shipment = cls._shipment_with_tracking("PRO123456")
        # The shipped profile: one event per status loop.
        cls.per_status = cls._carrier_endpoint(cls.env.ref(X12_PROFILE_XMLID))
        # One event per set (no split): the set's document is its content.
        cls.per_set = cls._x12_endpoint("LX[0]")
        # Per status, reading the interchange's date outside each status loop as well.
        cls.per_dated_status = cls._x12_endpoint(
            "LX[*]", path_planning_reference="document.isa.date"
        )

    @classmethod
    def _x12_endpoint(cls, loops, **values):
        """An endpoint whose profile reads the status loops ``loops`` of each set."""
        at7 = f"document.{loops}.AT7[0]"
        profile = cls._create_profile(
            document_format="x12-214",
            path_shipment_reference="document.B10[0][1]",
            path_status_code=f"{at7}[1]",
            path_event_time=f"{at7}[5], {at7}[6], {at7}[7]",
            event_time_format="x12",
            shipment_match_order="tracking_number",
            **values,
        )
        for code, canonical in (("AF", "picked_up"), ("X6", "in_transit"), ("D1", "delivered")):
            cls._map(profile, code, canonical)
        return cls._carrier_endpoint(profile)

    def _results(self, endpoint, text):
        return [answer["result"] for answer in self._ingest_into(endpoint, *self._x12_events(text))]

    def _inbound(self, endpoint):
        return self.env["logistics.inbound.event"].search([("endpoint_id", "=", endpoint.id)])

    def test_a_reenveloped_set_is_a_duplicate(self):
        for endpoint in (self.per_set, self.per_status, self.per_dated_status):
            with self.subTest(endpoint.name):
                self.assertEqual(self._results(endpoint, X12_214_INTERCHANGE), ["processed"])
                self.assertEqual(self._results(endpoint, X12_REENVELOPED), ["duplicate"])
                self.assertFalse(self._inbound(endpoint).conflict_ids)

    def test_a_reenveloped_set_saying_something_else_is_a_conflict(self):
        self._results(self.per_set, X12_214_INTERCHANGE)
        changed = X12_REENVELOPED.replace(FIRST_AT7, FIRST_AT7.replace("*AF*", "*D1*"))
        self.assertEqual(self._results(self.per_set, changed), ["conflict"])
        conflict = self._inbound(self.per_set).conflict_ids
        self.assertEqual(len(conflict), 1)
        # The difference is the status alone: the new envelope's date and time are not.
        self.assertEqual(conflict.difference, 'segments[4][1]: "AF" → "D1"')
        # Read outside a status loop, the interchange's date is not what the status says.
        self._results(self.per_dated_status, X12_214_INTERCHANGE)
        moved = X12_REENVELOPED.replace("B10*PRO123456*", "B10*PRO999*")
        self.assertEqual(self._results(self.per_dated_status, moved), ["conflict"])
        differences = self._inbound(self.per_dated_status).conflict_ids.mapped("difference")
        self.assertEqual(
            differences,
            ['outside_element.document.B10[0][1]: "PRO123456" → "PRO999"'] * 2,
        )

    def test_a_set_kept_with_its_envelope_dates_is_a_duplicate_once_hashed_again(self):
        self._results(self.per_set, X12_214_INTERCHANGE)
        # Kept before the envelope's date and time were left out: its hash is the document's.
        [event] = self._x12_events(X12_214_INTERCHANGE)
        self._inbound(self.per_set).write(
            {
                "content": json.dumps(event["document"]),
                "content_hash": content_hash(event["document"]),
            }
        )
        self._run_rehash_migration()
        self.assertNotIn("date", json.loads(self._inbound(self.per_set).content)["isa"])
        self.assertEqual(self._results(self.per_set, X12_REENVELOPED), ["duplicate"])
        moved = X12_REENVELOPED.replace("B10*PRO123456*", "B10*PRO999*")
        self.assertEqual(self._results(self.per_set, moved), ["conflict"])
        # Its difference is what the set says, not the envelope it was kept with.
        self.assertEqual(
            self._inbound(self.per_set).conflict_ids.difference,
            'segments[1][1]: "PRO123456" → "PRO999"',
        )

    def test_a_status_kept_with_the_interchange_date_read_outside_it_is_hashed_again(self):
        self._results(self.per_dated_status, X12_214_INTERCHANGE)
        # Kept before the interchange's date was left out of what was read outside the loop.
        for inbound in self._inbound(self.per_dated_status):
            content = json.loads(inbound.content)
            content["outside_element"]["document.isa.date"] = "260303"
            inbound.write({"content": json.dumps(content), "content_hash": content_hash(content)})
        self._run_rehash_migration()
        self.assertEqual(self._results(self.per_dated_status, X12_REENVELOPED), ["duplicate"])
        moved = X12_REENVELOPED.replace("B10*PRO123456*", "B10*PRO999*")
        self.assertEqual(self._results(self.per_dated_status, moved), ["conflict"])
        # The kept date is gone from the content: the difference is the shipment key alone.
        self.assertEqual(
            self._inbound(self.per_dated_status).conflict_ids.mapped("difference"),
            ['outside_element.document.B10[0][1]: "PRO123456" → "PRO999"'] * 2,
        )

    def test_a_conflict_kept_with_its_envelope_dates_is_the_same_once_hashed_again(self):
        self._results(self.per_set, X12_214_INTERCHANGE)
        moved = X12_214_INTERCHANGE.replace("B10*PRO123456*", "B10*PRO999*")
        self.assertEqual(self._results(self.per_set, moved), ["conflict"])
        conflict = self._inbound(self.per_set).conflict_ids
        [event] = self._x12_events(moved)
        conflict.content_hash = content_hash(event["document"])
        self._run_rehash_migration()
        moved_again = X12_REENVELOPED.replace("B10*PRO123456*", "B10*PRO999*")
        self.assertEqual(self._results(self.per_set, moved_again), ["conflict"])
        self.assertEqual(self._inbound(self.per_set).conflict_ids, conflict)

    def test_a_conflict_kept_twice_under_both_hashes_keeps_both_records(self):
        self._results(self.per_set, X12_214_INTERCHANGE)
        moved = X12_214_INTERCHANGE.replace("B10*PRO123456*", "B10*PRO999*")
        self._results(self.per_set, moved)
        first = self._inbound(self.per_set).conflict_ids
        [event] = self._x12_events(moved)
        old_hash = content_hash(event["document"])
        first.content_hash = old_hash
        # Sent again in a new envelope before the upgrade: kept a second time.
        moved_again = X12_REENVELOPED.replace("B10*PRO123456*", "B10*PRO999*")
        self._results(self.per_set, moved_again)
        second = self._inbound(self.per_set).conflict_ids - first
        self.assertEqual(len(second), 1)
        self._run_rehash_migration()
        # The later one holds the current hash already; the earlier one stays its review.
        self.assertEqual(first.content_hash, old_hash)
        self.assertEqual(self._results(self.per_set, moved), ["conflict"])
        self.assertEqual(self._inbound(self.per_set).conflict_ids, first | second)

    def test_contents_kept_by_the_current_rules_are_left_alone(self):
        self._results(self.per_set, X12_214_INTERCHANGE)
        self._results(self.per_dated_status, X12_214_INTERCHANGE)
        kept = self._inbound(self.per_set) | self._inbound(self.per_dated_status)
        before = kept.read(["content", "content_hash", "write_date"])
        self._run_rehash_migration()
        kept.invalidate_recordset()
        self.assertEqual(kept.read(["content", "content_hash", "write_date"]), before)


@tagged("post_install", "-at_install")
class TestConflictsOverJsonRpc(HttpCase, LogisticsInboundSourceCase):
    """Odoo's own JSON-RPC, the bridge bypassed: a conflicting resend is found the same way."""

    def _rpc(self, document):
        body = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [
                    self.env.cr.dbname,
                    self.bridge_user.id,
                    self.bridge_user.login,
                    "logistics.ingest",
                    "ingest_events",
                    [self.carrier.code, [self._raw(document, event_id="rpc-1")]],
                ],
            },
        }
        response = self.url_open("/jsonrpc", data=json.dumps(body), headers=JSON)
        return response.json()["result"][0]

    def test_resend_with_other_content_is_a_conflict(self):
        self.profile = self._create_profile(event_time_format="epoch_s")
        self._map(self.profile, "picked", "picked_up")
        self.carrier = self._carrier_endpoint(self.profile)
        shipment = self._create_shipment()
        document = {"ref": shipment.name, "status": "picked", "at": PICKED_AT}
        self.assertEqual(self._rpc(document)["result"], "processed")
        reordered = dict(reversed(list(document.items())))
        self.assertEqual(self._rpc(reordered)["result"], "duplicate")
        answer = self._rpc(dict(document, status="moving"))
        self.assertEqual(answer["result"], "conflict")
        self.assertIn('status: "picked" → "moving"', answer["reason"])
        inbound = self.env["logistics.inbound.event"].search(
            [("endpoint_id", "=", self.carrier.id), ("external_event_id", "=", "rpc-1")]
        )
        self.assertEqual(inbound.conflict_ids.state, "open")
