"""Documents a profile splits (X12 LX loops, a JSON list): what each element's event means
includes what the profile reads outside the element (the shipment key of the set), so a
resend under the same ids that changes only that part is a conflict kept for review,
never a silent duplicate; unchanged or repeated input creates nothing twice."""

import json

from logistics_contract.content import content_hash

from .common import X12_PROFILE_XMLID, LogisticsInboundSourceCase
from .samples import X12_214_INTERCHANGE

OTHER_SHIPMENT_B10 = "B10*PRO777777*SHP-REF-1*ABCD"


class TestHostileSplitContent(LogisticsInboundSourceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shipment = cls._shipment_with_tracking("PRO123456")
        cls.other_shipment = cls._shipment_with_tracking("PRO777777")
        cls.edi = cls._carrier_endpoint(cls.env.ref(X12_PROFILE_XMLID))

    def _ingest_x12(self, text):
        return self._ingest_into(self.edi, *self._x12_events(text))

    def _conflicts(self):
        return self.env["logistics.inbound.conflict"].search(
            [("event_id.endpoint_id", "=", self.edi.id)]
        )

    def test_a_resend_changing_only_the_shipment_of_the_set_is_a_conflict(self):
        [first] = self._ingest_x12(X12_214_INTERCHANGE)
        self.assertEqual(first["result"], "processed", first)
        resent = X12_214_INTERCHANGE.replace("B10*PRO123456*SHP-REF-1*ABCD", OTHER_SHIPMENT_B10)
        [answer] = self._ingest_x12(resent)
        self.assertEqual(answer["result"], "conflict", answer)
        conflicts = self._conflicts()
        self.assertEqual(len(conflicts), 2, "one conflict per loop of the set")
        for conflict in conflicts:
            self.assertIn("PRO123456", conflict.difference)
            self.assertIn("PRO777777", conflict.difference)
        # Nothing moved to the other shipment while the difference waits for review.
        self.assertFalse(self.other_shipment.milestone_ids)
        self.assertEqual(sorted(self.shipment.milestone_ids.mapped("raw_code")), ["AF", "X6"])

    def _scan_endpoint(self, shipment_reference_path, event_time_path):
        """A carrier endpoint whose profile splits a document's scans (code DLV: delivered)."""
        profile = self._create_profile(
            path_shipment_reference=shipment_reference_path,
            path_status_code="document.scans[*].code",
            path_event_time=event_time_path,
            shipment_match_order="tracking_number",
        )
        self._map(profile, "DLV", "delivered")
        return self._carrier_endpoint(profile)

    def test_a_json_list_resent_with_only_its_tracking_number_changed_is_a_conflict(self):
        endpoint = self._scan_endpoint("document.shipment.tracking", "document.scans[*].at")
        scans = [{"code": "DLV", "at": "2026-03-02T08:00:00+00:00"}]
        document = {"shipment": {"tracking": "PRO123456"}, "scans": scans}
        [first] = self._ingest_into(endpoint, self._raw(document, event_id="doc-1"))
        self.assertEqual(first["result"], "processed", first)
        moved = {"shipment": {"tracking": "PRO777777"}, "scans": scans}
        [answer] = self._ingest_into(endpoint, self._raw(moved, event_id="doc-1"))
        self.assertEqual(answer["result"], "conflict", answer)
        self.assertIn("document.shipment.tracking", answer["reason"])
        # Another key outside the element that no source reads changes nothing.
        noted = dict(document, note="resent")
        [again] = self._ingest_into(endpoint, self._raw(noted, event_id="doc-1"))
        self.assertEqual(again["result"], "duplicate", again)

    def test_applying_the_new_shipment_moves_each_loop_and_makes_it_the_duplicate(self):
        self._ingest_x12(X12_214_INTERCHANGE)
        resent = X12_214_INTERCHANGE.replace("B10*PRO123456*SHP-REF-1*ABCD", OTHER_SHIPMENT_B10)
        self._ingest_x12(resent)
        for conflict in self._conflicts():
            conflict.with_user(self.integration_admin).action_apply_new()
            self.assertEqual(conflict.state, "applied")
        self.assertFalse(self.shipment.milestone_ids)
        self.assertEqual(sorted(self.other_shipment.milestone_ids.mapped("raw_code")), ["AF", "X6"])
        [again] = self._ingest_x12(resent)
        self.assertEqual(again["result"], "duplicate", again)

    def test_what_the_bridge_sets_per_receipt_is_not_part_of_a_split_element(self):
        endpoint = self._scan_endpoint("document.ref", "document.scans[*].at, received_at")
        document = {"ref": "PRO123456", "scans": [{"code": "DLV"}]}
        first = self._raw(document, event_id="doc-2")
        [answer] = self._ingest_into(endpoint, first)
        self.assertEqual(answer["result"], "processed", answer)
        later = dict(first, received_at="2026-03-03T10:00:00+00:00", correlation_id="c-2")
        [again] = self._ingest_into(endpoint, later)
        self.assertEqual(again["result"], "duplicate", again)

    def test_a_loop_kept_alone_is_a_duplicate_once_hashed_again(self):
        self._ingest_x12(X12_214_INTERCHANGE)
        kept = self.env["logistics.inbound.event"].search([("endpoint_id", "=", self.edi.id)])
        # Kept before what the profile reads outside the loop counted: the loop alone.
        for record in kept:
            element = json.loads(record.content)["element"]
            record.write({"content": json.dumps(element), "content_hash": content_hash(element)})
        self._run_rehash_migration()
        # What was read outside it was never kept: its hash cannot be told, nor compared.
        self.assertEqual(kept.mapped("content_hash"), [False, False])
        [answer] = self._ingest_x12(X12_214_INTERCHANGE)
        self.assertEqual(answer["result"], "duplicate", answer)
        self.assertFalse(self._conflicts())

    def test_repeated_and_near_identical_loops(self):
        loop = "LX*1~\nAT7*AF*NS***20260302*0800*ET~\nMS1*ATLANTA*GA*US~\n"
        cases = [
            # The same loop twice is one event: one milestone, nothing dropped.
            ("repeated", loop + loop, ["AF"]),
            # Loops differing in one element only are two events.
            ("other time", loop + loop.replace("0800", "0801"), ["AF", "AF"]),
            ("other number", loop + loop.replace("LX*1", "LX*2"), ["AF", "AF"]),
            ("other city", loop + loop.replace("ATLANTA", "ATHENS"), ["AF", "AF"]),
        ]
        for control, (label, loops, codes) in enumerate(cases, start=201):
            with self.subTest(label):
                shipment = self._shipment_with_tracking(f"PRO{control}")
                text = _interchange(control, f"B10*PRO{control}*SHP-{control}*ABCD~\n" + loops)
                [answer] = self._ingest_x12(text)
                self.assertEqual(answer["result"], "processed", answer)
                self.assertEqual(shipment.milestone_ids.mapped("raw_code"), codes)
                [again] = self._ingest_x12(text)
                self.assertEqual(again["result"], "duplicate", again)
                self.assertEqual(len(shipment.milestone_ids), len(codes))

    def test_loops_out_of_order_or_late_never_move_the_shipment_backwards(self):
        shipment = self._shipment_with_tracking("PRO301")
        delivered_first = (
            "LX*1~\nAT7*D1*NS***20260302*1000*UT~\nLX*2~\nAT7*AF*NS***20260302*0600*UT~\n"
        )
        [answer] = self._ingest_x12(_interchange(301, "B10*PRO301*S*ABCD~\n" + delivered_first))
        self.assertEqual(answer["result"], "processed", answer)
        self.assertEqual(shipment.state, "delivered")
        late = "LX*1~\nAT7*X6*NS***20260302*0800*UT~\n"
        [answer] = self._ingest_x12(_interchange(302, "B10*PRO301*S*ABCD~\n" + late))
        self.assertEqual(answer["result"], "processed", answer)
        self.assertEqual(shipment.state, "delivered")
        self.assertEqual(len(shipment.milestone_ids), 3)

    def test_a_loop_far_in_the_future_is_rejected_by_name_and_the_others_kept(self):
        shipment = self._shipment_with_tracking("PRO303")
        loops = "LX*1~\nAT7*AF*NS***20260302*0600*UT~\nLX*2~\nAT7*D1*NS***20990302*1000*UT~\n"
        [answer] = self._ingest_x12(_interchange(303, "B10*PRO303*S*ABCD~\n" + loops))
        self.assertEqual(answer["result"], "rejected", answer)
        self.assertIn("LX[1].AT7[0][5]", answer["reason"])
        self.assertIn("future", answer["reason"])
        self.assertEqual(shipment.milestone_ids.mapped("raw_code"), ["AF"])
        log = self.env["logistics.integration.log"].search(
            [("endpoint_id", "=", self.edi.id), ("state", "=", "rejected")], limit=1
        )
        self.assertIn("LX[1].AT7[0][5]", log.error)

    def test_each_status_of_a_loop_with_several_at7_becomes_a_milestone(self):
        # An LX loop repeats its AT7 loop (AT7, MS1, MS2) for each status it reports; the
        # 997 accepts all of them, so none may be left unread.
        shipment = self._shipment_with_tracking("PRO305")
        loop = (
            "LX*1~\nAT7*AF*NS***20260302*0600*UT~\nMS1*ATLANTA*GA*US~\n"
            "AT7*X6*NS***20260302*0900*UT~\nMS1*MACON*GA*US~\nL11*BOL-1*BM~\n"
        )
        [answer] = self._ingest_x12(_interchange(305, "B10*PRO305*S*ABCD~\n" + loop))
        self.assertEqual(answer["result"], "processed", answer)
        milestones = shipment.milestone_ids.sorted("event_time")
        self.assertEqual(milestones.mapped("raw_code"), ["AF", "X6"])
        self.assertEqual(milestones.mapped("location"), ["ATLANTA, GA, US", "MACON, GA, US"])
        [again] = self._ingest_x12(_interchange(305, "B10*PRO305*S*ABCD~\n" + loop))
        self.assertEqual(again["result"], "duplicate", again)

    def test_the_same_event_id_on_two_endpoints_is_each_endpoint_s_own(self):
        second = self._carrier_endpoint(self.env.ref(X12_PROFILE_XMLID))
        events = self._x12_events(X12_214_INTERCHANGE)
        [first] = self._ingest_into(self.edi, *events)
        [other] = self._ingest_into(second, *events)
        self.assertEqual((first["result"], other["result"]), ("processed", "processed"))
        Inbound = self.env["logistics.inbound.event"]
        for endpoint in (self.edi, second):
            self.assertEqual(Inbound.search_count([("endpoint_id", "=", endpoint.id)]), 2)


def _interchange(control, body):
    """An interchange of one 214 set holding ``body`` (B10 and loops), control ``control``."""
    segments = ["ST*214*0001~\n", *body.splitlines(keepends=True), "SE*{count}*0001~\n"]
    text = "".join(segments).replace("{count}", str(len(segments)))
    return (
        "ISA*00*          *00*          *02*ABCD           *ZZ*LGXODOO        *260303*0900*U*"
        f"00401*{control:09d}*0*P*>~\nGS*QM*ABCD*LGXODOO*20260303*0900*{control}*X*004010~\n"
        f"{text}GE*1*{control}~\nIEA*1*{control:09d}~\n"
    )
