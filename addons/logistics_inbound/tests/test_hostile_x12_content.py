"""The content of X12 214 sets read by the shipped profile: a date, time or status the set
cannot mean is refused naming it, or the set waits for review with the reason; a set that
is processed is stored as sent."""

from .common import X12_PROFILE_XMLID, LogisticsInboundSourceCase
from .samples import X12_214_INTERCHANGE


class TestHostileX12Content(LogisticsInboundSourceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shipment = cls._shipment_with_tracking("PRO123456")
        cls.edi = cls._carrier_endpoint(cls.env.ref(X12_PROFILE_XMLID))

    def _answer(self, at7, b10="B10*PRO123456*SHP-REF-1*ABCD", isa13="000000101"):
        """The answer to the sample interchange with its first AT7, its B10 and its
        interchange control number replaced."""
        text = X12_214_INTERCHANGE.replace("AT7*AF*NS***20260302*0800*ET", at7, 1)
        text = text.replace("B10*PRO123456*SHP-REF-1*ABCD", b10, 1)
        text = text.replace("000000101", isa13)
        [answer] = self._ingest_into(self.edi, *self._x12_events(text))
        return answer

    def test_times_that_do_not_exist_are_rejected_naming_the_path(self):
        cases = [
            ("AT7*AF*NS***20261332*0800*ET", "does not exist"),
            ("AT7*AF*NS***20260302*2460*ET", "does not exist"),
            ("AT7*AF*NS***20270229*0800*ET", "does not exist"),
            ("AT7*AF*NS***20260302*0800*QQ", "'QQ' is not known"),
            ("AT7*AF*NS***20260302*0800", "time code is missing"),
            ("AT7*AF*NS***20260302*08001*ET", "HHMMSS"),
            ("AT7*AF*NS***20260302*080015123*ET", "HHMMSS"),
            # Beyond the years Odoo keeps once in UTC: 23:30 Eastern is 04:30 next day.
            ("AT7*AF*NS***99991231*2330*ET", "after the year 9999 in UTC"),
        ]
        for at7, message in cases:
            with self.subTest(at7):
                answer = self._answer(at7)
                self.assertEqual(answer["result"], "rejected", answer)
                self.assertIn("LX[0].AT7[0][5]", answer["reason"])
                self.assertIn(message, answer["reason"])
        # The set's other status (LX 2) is its own event, processed; the refused one is not.
        self.assertEqual(self.shipment.milestone_ids.mapped("raw_code"), ["X6"])

    def test_a_leap_day_and_seconds_are_read_as_sent(self):
        answer = self._answer("AT7*AF*NS***20240229*080015*UT")
        self.assertEqual(answer["result"], "processed", answer)
        milestone = self.shipment.milestone_ids.filtered(lambda m: m.raw_code == "AF")
        self.assertEqual(milestone.event_time, self._utc(2024, 2, 29, 8, 0, 15))

    def test_an_unknown_status_or_shipment_waits_for_review_with_the_reason(self):
        answer = self._answer("AT7*ZZ*NS***20260302*0800*ET")
        self.assertEqual(answer["result"], "needs_review", answer)
        self.assertIn("no mapping for code 'ZZ'", answer["reason"])
        # Another interchange: under the same ids, another shipment would be a conflict.
        answer = self._answer(
            "AT7*AF*NS***20260302*0800*ET", b10="B10*PRO999*SHP-REF-9*ABCD", isa13="000000102"
        )
        self.assertEqual(answer["result"], "needs_review", answer)
        self.assertIn("no shipment 'PRO999'", answer["reason"])
