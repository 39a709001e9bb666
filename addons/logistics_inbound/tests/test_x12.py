from odoo.tests.common import BaseCase

from .. import x12
from .samples import X12_214_INTERCHANGE


class TestX12(BaseCase):
    def test_interchange_becomes_one_document_per_transaction_set(self):
        [document] = x12.parse_interchange(X12_214_INTERCHANGE)
        self.assertEqual(document["st_control"], "0001")
        self.assertEqual(document["isa"]["control_number"], "000000101")
        self.assertEqual(document["isa"]["sender_id"], "ABCD")
        self.assertEqual(document["gs"]["control_number"], "101")
        self.assertEqual(document["gs"]["version"], "004010")
        self.assertEqual(document["segments"][0], ["ST", "214", "0001"])
        self.assertEqual(document["segments"][1], ["B10", "PRO123456", "SHP-REF-1", "ABCD"])
        self.assertEqual(document["segments"][-1], ["SE", "11", "0001"])

    def test_delimiters_come_from_the_isa(self):
        text = X12_214_INTERCHANGE.replace("*", "|").replace("~", "^")
        [document] = x12.parse_interchange(text)
        self.assertEqual(document["segments"][1][1], "PRO123456")

    def test_view_groups_lx_loops(self):
        [document] = x12.parse_interchange(X12_214_INTERCHANGE)
        view = x12.document_view(document)
        self.assertEqual(view["B10"][0][2], "SHP-REF-1")
        self.assertEqual([loop["AT7"][0][1] for loop in view["LX"]], ["AF", "X6"])
        self.assertEqual(view["LX"][0]["MS1"][0][1:], ["ATLANTA", "GA", "US"])

    def test_broken_text_is_refused(self):
        for text, message in (
            ("GS*QM~", "ISA"),
            (X12_214_INTERCHANGE.split("SE*")[0], "without SE"),
            (X12_214_INTERCHANGE.split("ST*")[0], "no ST"),
        ):
            with self.subTest(message), self.assertRaisesRegex(x12.X12ParseError, message):
                x12.parse_interchange(text)
        with self.assertRaises(x12.X12ParseError):
            x12.document_view({"segments": [[]]})
