from datetime import UTC, datetime

from logistics_contract.paths import parse_source

from odoo.tests.common import BaseCase

from .. import times
from ..paths import Spec, extract_events


class TestTimes(BaseCase):
    def test_iso8601_is_passed_on_for_the_contract_to_judge(self):
        self.assertEqual(
            times.to_iso(times.ISO8601, ["2026-03-02T08:00:00+01:00"]), "2026-03-02T08:00:00+01:00"
        )

    def test_epoch_seconds_and_milliseconds(self):
        self.assertEqual(
            times.to_iso(times.EPOCH_SECONDS, [1772438400]), "2026-03-02T08:00:00+00:00"
        )
        self.assertEqual(
            times.to_iso(times.EPOCH_SECONDS, ["1772438400.5"]), "2026-03-02T08:00:00.500000+00:00"
        )
        self.assertEqual(
            times.to_iso(times.EPOCH_MILLISECONDS, [1772438400000]), "2026-03-02T08:00:00+00:00"
        )
        for bad in ("soon", True, 10**20):
            with self.subTest(bad), self.assertRaises(ValueError):
                times.to_iso(times.EPOCH_SECONDS, [bad])

    def test_x12_time_codes(self):
        cases = [
            (("20260302", "0830", "UT"), datetime(2026, 3, 2, 8, 30)),
            (("20260302", "0830", "GM"), datetime(2026, 3, 2, 8, 30)),
            (("20260302", "083015", "UT"), datetime(2026, 3, 2, 8, 30, 15)),
            (("20260302", "0830", "ET"), datetime(2026, 3, 2, 13, 30)),  # EST in winter
            (("20260702", "0830", "ET"), datetime(2026, 7, 2, 12, 30)),  # EDT in summer
            (("20260702", "0830", "ES"), datetime(2026, 7, 2, 13, 30)),  # fixed standard
            (("20260302", "0830", "ED"), datetime(2026, 3, 2, 12, 30)),  # fixed daylight
            (("20260302", "0830", "CT"), datetime(2026, 3, 2, 14, 30)),
            (("20260302", "0830", "MT"), datetime(2026, 3, 2, 15, 30)),
            (("20260302", "0830", "PT"), datetime(2026, 3, 2, 16, 30)),
            (("20260302", "0830", "PD"), datetime(2026, 3, 2, 15, 30)),
            (("20260302", "0830", "CS"), datetime(2026, 3, 2, 14, 30)),
            (("20260302", "0830", "MD"), datetime(2026, 3, 2, 14, 30)),
        ]
        for values, expected in cases:
            with self.subTest(values):
                self.assertEqual(times.x12_datetime(*values), expected.replace(tzinfo=UTC))

    def test_x12_local_time_uses_the_profile_time_zone(self):
        value = times.x12_datetime("20260302", "0830", "LT", local_timezone="Europe/Paris")
        self.assertEqual(value, datetime(2026, 3, 2, 7, 30, tzinfo=UTC))

    def test_x12_local_time_before_the_year_1_in_utc_is_refused(self):
        with self.assertRaisesRegex(ValueError, "before the year 1 in UTC"):
            times.x12_datetime("00010101", "0100", "LT", local_timezone="Asia/Tokyo")

    def test_x12_times_with_seconds_and_decimals(self):
        for time in ("0830", "083015", "0830159", "08301599"):
            with self.subTest(time):
                self.assertEqual(
                    times.x12_datetime("20260302", time, "UT").replace(second=0),
                    datetime(2026, 3, 2, 8, 30, tzinfo=UTC),
                )

    def test_x12_errors_name_the_problem(self):
        cases = [
            (("2026032", "0830", "UT"), "CCYYMMDD"),
            (("20260230", "0830", "UT"), "does not exist"),
            (("20260302", "83", "UT"), "HHMM"),
            (("20260302", "0830", ""), "time code is missing"),
            (("20260302", "0830", "QQ"), "'QQ' is not known"),
            (("20260302", "08301", "UT"), "HHMMSS"),
            (("20260302", "083015123", "UT"), "HHMMSS"),
            (("99991231", "2330", "ET"), "after the year 9999 in UTC"),
        ]
        for values, message in cases:
            with self.subTest(values), self.assertRaisesRegex(ValueError, message):
                times.x12_datetime(*values)

    def test_a_profile_field_reads_its_format(self):
        spec = Spec(
            scalars={
                "event_id": parse_source("event_id"),
                "event_type": parse_source("=status"),
                "shipment_reference": parse_source("=SHP-1"),
                "event_time": parse_source("document.d, document.t, document.z"),
                "eta": parse_source("document.eta"),
            },
            time_formats={"event_time": times.X12, "eta": times.EPOCH_MILLISECONDS},
            raw_document=True,
        )
        raw = {
            "event_id": "e1",
            "document": {"d": "20260302", "t": "0830", "z": "CT", "eta": 1772524800000},
        }
        [item] = extract_events(raw, spec)
        self.assertEqual(item.data["payload"]["event_time"], "2026-03-02T14:30:00+00:00")
        self.assertEqual(item.data["payload"]["eta"], "2026-03-03T08:00:00+00:00")
        raw["document"]["z"] = "XX"
        [item] = extract_events(raw, spec)
        self.assertEqual(
            item.errors, [(("payload", "event_time"), "X12 time code 'XX' is not known")]
        )
