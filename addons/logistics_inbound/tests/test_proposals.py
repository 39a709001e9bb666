from odoo.tests.common import BaseCase, TransactionCase

from .. import times
from ..proposals import profile_sources, propose, time_format
from .samples import (
    AFTERSHIP_TRACKING_UPDATE,
    EASYPOST_TRACKER_UPDATED,
    EASYSHIP_CHECKPOINTS_CREATED,
    EVENT_ARRAY,
    FLAT_NOTIFICATION,
    NESTED_SCANS,
    SHIPPO_TRACK_UPDATED,
)

PROPOSED_FIELDS = (
    "path_event_id",
    "path_shipment_reference",
    "path_status_code",
    "path_event_time",
    "event_time_format",
    "path_location",
)


class TestProposalsOnPresetSamples(TransactionCase):
    """Each preset's public sample: the proposal is what the preset's author chose."""

    def _assert_preset(self, xmlid, document, *extra_fields):
        preset = self.env.ref(f"logistics_inbound.{xmlid}")
        proposed = profile_sources(propose(document))["profile"]
        for name in PROPOSED_FIELDS + extra_fields:
            with self.subTest(field=name):
                self.assertEqual(proposed[name], preset[name])

    def test_easypost(self):
        self._assert_preset("inbound_profile_easypost", EASYPOST_TRACKER_UPDATED)

    def test_shippo(self):
        self._assert_preset("inbound_profile_shippo", SHIPPO_TRACK_UPDATED, "path_status_detail")

    def test_aftership(self):
        self._assert_preset(
            "inbound_profile_aftership", AFTERSHIP_TRACKING_UPDATE, "path_status_detail"
        )

    def test_easyship(self):
        self._assert_preset(
            "inbound_profile_easyship", EASYSHIP_CHECKPOINTS_CREATED, "path_status_detail"
        )

    def test_bridge_settings_of_the_presets_samples(self):
        """The webhook's own delivery id where it has one; the tracking number orders."""
        settings = {
            name: profile_sources(propose(document))["endpoint"]
            for name, document in (
                ("easypost", EASYPOST_TRACKER_UPDATED),
                ("aftership", AFTERSHIP_TRACKING_UPDATE),
                ("shippo", SHIPPO_TRACK_UPDATED),
            )
        }
        self.assertEqual(settings["easypost"]["event_id_path"], "id")
        self.assertEqual(settings["easypost"]["ordering_key_path"], "result.tracking_code")
        self.assertEqual(settings["aftership"]["event_id_path"], "event_id")
        # Shippo's webhook carries no id of its own: the bridge hashes the body.
        self.assertFalse(settings["shippo"]["event_id_path"])
        self.assertFalse(any(s["split_path"] for s in settings.values()))


class TestProposals(BaseCase):
    def test_nested_scans_with_numeric_ids_and_epoch_milliseconds(self):
        proposal = propose(NESTED_SCANS)
        self.assertEqual(proposal.best("split").path, "scans[*]")
        self.assertEqual(proposal.status_codes, ("DLV",))
        sources = profile_sources(proposal)
        self.assertEqual(
            sources["profile"],
            {
                "document_format": "json",
                "path_event_id": "document.scans[*].scanId",
                "path_event_type": "=status",
                "path_shipment_reference": "document.shipment.trackingNo",
                "path_status_code": "document.scans[*].code",
                "path_status_detail": False,
                "path_event_time": "document.scans[*].ts",
                "event_time_format": times.EPOCH_MILLISECONDS,
                "path_location": "document.scans[*].place.town, "
                "document.scans[*].place.region, document.scans[*].place.cc",
                "shipment_match_order": "tracking_number, shipment",
            },
        )
        self.assertEqual(
            sources["endpoint"],
            {
                "inbound_format": "json",
                "event_id_path": False,
                "ordering_key_path": "shipment.trackingNo",
                "split_path": False,
            },
        )

    def test_one_update_per_document_without_a_list(self):
        proposal = propose(FLAT_NOTIFICATION)
        self.assertFalse(proposal.split)
        self.assertEqual(
            [c.path for c in proposal.shipment_key],
            ["consignment.waybill", "consignment.reference"],
        )
        # The notification's own time is when it was sent, not when the update happened.
        self.assertEqual(
            [(c.path, c.time_format) for c in proposal.event_time],
            [("event.occurredAt", times.EPOCH_SECONDS), ("notification.sentAt", times.ISO8601)],
        )
        sources = profile_sources(proposal)
        # Each document is one event: the bridge's id of it, from the notification's uuid.
        self.assertEqual(sources["profile"]["path_event_id"], "event_id")
        self.assertEqual(sources["endpoint"]["event_id_path"], "notification.uuid")
        self.assertEqual(sources["profile"]["path_status_code"], "document.event.statusCode")
        self.assertEqual(
            sources["profile"]["path_location"],
            "document.event.location.city, document.event.location.countryCode",
        )

    def test_array_of_updates_without_ids(self):
        proposal = propose(EVENT_ARRAY)
        sources = profile_sources(proposal)["profile"]
        self.assertEqual(proposal.best("split").path, "[*]")
        self.assertEqual(proposal.status_codes, ("PU", "AR"))
        # Every element repeats the waybill: ids derive from the first one and the element.
        self.assertEqual(sources["path_event_id"], "document[0].awb")
        self.assertEqual(sources["path_shipment_reference"], "document[*].awb")
        self.assertEqual(sources["path_status_code"], "document[*].eventCode")
        self.assertEqual(
            sources["path_location"],
            "document[*].station.city, document[*].station.stateCode, document[*].station.country",
        )

    def test_a_chosen_list_and_lists_that_are_not_updates(self):
        document = {
            "trackingNumber": "TRK-1",
            "items": [{"sku": "A-1", "qty": 2}],
            "events": [{"status": "PU", "time": "2026-03-01T08:00:00Z"}],
        }
        proposal = propose(document)
        self.assertEqual([c.path for c in proposal.split], ["events[*]"])
        self.assertEqual(proposal.best("status_code").path, "events[*].status")
        unsplit = propose(document, split="")
        self.assertFalse(unsplit.event_id)
        self.assertFalse(unsplit.status_code, "a status inside a list needs the list split")

    def test_keys_no_path_can_name_are_left_out(self):
        proposal = propose({"a.b": {"tracking_number": "X-123"}, "tracking_number": "Y-456"})
        self.assertEqual([c.path for c in proposal.shipment_key], ["tracking_number"])

    def test_time_formats_by_value(self):
        cases = [
            ("2026-03-02T08:00:00Z", times.ISO8601),
            ("2026-03-02 08:00:00.123+01:00", times.ISO8601),
            ("2026-03-02T08:00", times.ISO8601),
            (1772443800, times.EPOCH_SECONDS),
            ("1772443800", times.EPOCH_SECONDS),
            (1733500000000, times.EPOCH_MILLISECONDS),
            (1733500000000.0, times.EPOCH_MILLISECONDS),
            (17, None),
            (True, None),
            ("2026-03-02", None),
            ("tomorrow", None),
        ]
        for value, expected in cases:
            with self.subTest(value=value):
                self.assertEqual(time_format(value), expected)

    def test_times_without_offset_rank_below_times_with_one(self):
        proposal = propose(
            {
                "events": [
                    {"code": "A", "local_time": "2026-03-02T08:00", "time": "2026-03-02T07:00Z"}
                ]
            }
        )
        self.assertEqual(
            [c.path for c in proposal.event_time], ["events[*].time", "events[*].local_time"]
        )
