from dataclasses import FrozenInstanceError

from logistics_contract.paths import parse_source

from odoo.tests.common import BaseCase

from ..canonical import validate_event
from ..paths import Spec, extract_events

DOCUMENT = {
    "id": "doc-1",
    "ref": "SHP-1",
    "updates": [
        {"code": "picked", "at": "2026-03-02T08:00:00+00:00", "city": "Lyon", "country": "FR"},
        {"code": "moving", "at": "2026-03-02T12:00:00+00:00", "city": "Paris", "country": ""},
    ],
}


def _spec(**sources):
    values = {"event_id": "event_id", "event_type": "=status", "shipment_reference": "document.ref"}
    values.update(sources)
    return Spec(
        scalars={name: parse_source(text) for name, text in values.items() if text},
        raw_document=True,
    )


def _raw(document=None, event_id="bridge-1"):
    return {
        "event_id": event_id,
        "format": "json",
        "received_at": "2026-03-03T09:00:00+00:00",
        "document": DOCUMENT if document is None else document,
    }


class TestPaths(BaseCase):
    def test_a_spec_cannot_be_changed(self):
        # Specs are kept per worker and shared by every ingest call that reads the profile.
        scalars = {"event_id": parse_source("event_id"), "event_type": parse_source("=status")}
        spec = Spec(
            scalars=scalars,
            charges={"amount": "document.charges[*].amount"},
            time_formats={"eta": "epoch_ms"},
        )
        self.assertIsNone(spec.list_path)
        for mapping in (spec.scalars, spec.charges, spec.time_formats):
            with self.subTest(mapping=dict(mapping)):
                with self.assertRaises(TypeError):
                    mapping["status_code"] = parse_source("=AF")
                with self.assertRaises((TypeError, AttributeError)):
                    mapping.clear()
        for name, value in (("raw_document", True), ("scalars", {}), ("list_path", None)):
            with self.subTest(name), self.assertRaises(FrozenInstanceError):
                setattr(spec, name, value)
        with self.assertRaises(FrozenInstanceError):
            del spec.local_timezone
        # Nor through the mappings it was made from.
        scalars["status_code"] = parse_source("=AF")
        self.assertNotIn("status_code", spec.scalars)
        self.assertEqual(spec.time_formats, {"eta": "epoch_ms"})

    def test_last_element_and_constant(self):
        [item] = extract_events(
            _raw(), _spec(status_code="document.updates[-1].code", carrier="=ACME Freight")
        )
        self.assertEqual(item.errors, [])
        self.assertEqual(item.data["event_id"], "bridge-1")
        self.assertEqual(item.data["event_type"], "status")
        self.assertEqual(item.data["payload"]["status_code"], "moving")
        self.assertEqual(item.data["payload"]["carrier"], "ACME Freight")

    def test_several_paths_take_the_first_present(self):
        document = dict(DOCUMENT, ref=None, tracking="TRK-9")
        [item] = extract_events(
            _raw(document), _spec(shipment_reference="document.ref, document.tracking")
        )
        self.assertEqual(item.data["shipment_reference"], "TRK-9")

    def test_split_yields_one_event_per_element_with_stable_ids(self):
        spec = _spec(
            event_id="document.id",
            status_code="document.updates[*].code",
            event_time="document.updates[*].at",
            location="document.updates[*].city, document.updates[*].country",
        )
        first, second = extract_events(_raw(), spec)
        self.assertEqual(first.data["payload"]["status_code"], "picked")
        self.assertEqual(second.data["payload"]["status_code"], "moving")
        self.assertEqual(first.data["payload"]["location"], "Lyon, FR")
        self.assertEqual(second.data["payload"]["location"], "Paris", "empty parts are left out")
        self.assertTrue(first.data["event_id"].startswith("doc-1#"))
        self.assertNotEqual(first.data["event_id"], second.data["event_id"])
        self.assertEqual(first.data["occurred_at"], "2026-03-02T08:00:00+00:00")
        # The same document sent again, grown by one update in front: same ids for the old ones.
        grown = dict(DOCUMENT, updates=[{"code": "new"}, *DOCUMENT["updates"]])
        ids = [e.data["event_id"] for e in extract_events(_raw(grown, "bridge-2"), spec)]
        self.assertEqual(ids[1:], [first.data["event_id"], second.data["event_id"]])

    def test_split_with_an_id_per_element(self):
        document = {"ref": "SHP-1", "scans": [{"id": "s1", "code": "a"}, {"id": "s2", "code": "b"}]}
        spec = _spec(event_id="document.scans[*].id", status_code="document.scans[*].code")
        self.assertEqual(
            [e.data["event_id"] for e in extract_events(_raw(document), spec)], ["s1", "s2"]
        )

    def test_split_over_two_lists_is_refused(self):
        spec = _spec(status_code="document.updates[*].code", location="document.stops[*].city")
        with self.assertRaises(ValueError):
            extract_events(_raw(), spec)

    def test_spec_names_the_list_it_splits_over(self):
        split = _spec(status_code="document.updates[*].code", event_time="document.updates[*].at")
        self.assertEqual(split.list_path.text, "document.updates")
        self.assertIsNone(_spec(status_code="document.updates[-1].code").list_path)

    def test_split_over_nothing_is_an_error(self):
        [item] = extract_events(
            _raw({"ref": "SHP-1", "updates": []}), _spec(status_code="document.updates[*].code")
        )
        self.assertEqual(item.errors, [(("event_id",), "no element to split over")])

    def test_a_numeric_id_is_taken_as_its_json_text(self):
        document = {"tracking_event_id": 539, "ref": 4711, "status": "picked"}
        spec = _spec(
            event_id="document.tracking_event_id",
            shipment_reference="document.ref",
            status_code="document.status",
        )
        [item] = extract_events(_raw(document), spec)
        self.assertEqual(item.errors, [])
        self.assertEqual(item.data["event_id"], "539")
        self.assertEqual(item.data["shipment_reference"], "4711")
        event, errors = validate_event(item.data)
        self.assertEqual(errors, [])
        self.assertEqual(event.event_id, "539")

    def test_an_object_list_or_boolean_is_no_id(self):
        for value, kind in (({"id": 1}, "an object"), ([539], "an array"), (True, "a boolean")):
            with self.subTest(kind):
                [item] = extract_events(
                    _raw({"id": value, "ref": "SHP-1"}), _spec(event_id="document.id")
                )
                self.assertEqual(
                    item.errors,
                    [(("event_id",), f"the value there is {kind}, not a string or a number")],
                )

    def test_a_signer_without_document_is_a_proof_for_every_event_of_the_list(self):
        document = dict(DOCUMENT, signed_by="J. Doe")
        spec = _spec(
            event_id="document.id",
            status_code="document.updates[*].code",
            event_time="document.updates[*].at",
            pod_signed_by="document.signed_by",
            pod_document_reference="document.pod_reference",
        )
        items = extract_events(_raw(document), spec)
        self.assertEqual(len(items), 2)
        for item in items:
            event, errors = validate_event(item.data)
            self.assertEqual(errors, [], item.data)
            self.assertEqual(event.payload.pod.signed_by, "J. Doe")
            self.assertIsNone(event.payload.pod.document_reference)

    def test_negative_indexes_count_from_the_end(self):
        [item] = extract_events(_raw(), _spec(status_code="document.updates[-2].code"))
        self.assertEqual(item.data["payload"]["status_code"], "picked")
