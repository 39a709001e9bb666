from odoo.tests.common import BaseCase

from ..masking import MASK, MaskingRule, bounded_text, mask_payload, render_payload

RULES = [
    MaskingRule("*email*", "partial"),
    MaskingRule("*phone*", "partial"),
    MaskingRule("street*", "redact"),
    MaskingRule("*secret*", "drop"),
    MaskingRule("contact", "hash"),
]


class TestMasking(BaseCase):
    def test_nested_keys_are_masked_and_input_untouched(self):
        data = {
            "ship_to": {"street": "1 Main St", "street2": "Flat 2", "city": "Gent"},
            "contacts": [{"Email": "jane.doe@example.com", "phone": "+32 475 12 34 56"}],
            "client_secret": "abc",
            "reference": "SO042",
        }
        masked = mask_payload(data, RULES)
        self.assertEqual(masked["ship_to"], {"street": MASK, "street2": MASK, "city": "Gent"})
        self.assertEqual(masked["contacts"][0]["Email"], f"j{MASK}@example.com")
        self.assertEqual(masked["contacts"][0]["phone"], f"{MASK}4 56")
        self.assertNotIn("client_secret", masked)
        self.assertEqual(masked["reference"], "SO042")
        self.assertEqual(data["ship_to"]["street"], "1 Main St")

    def test_structured_value_under_a_matching_key_is_masked_whole(self):
        masked = mask_payload({"contact": {"name": "Jane", "id": 7}}, RULES)
        self.assertTrue(masked["contact"]["name"].startswith("sha256:"))
        self.assertTrue(masked["contact"]["id"].startswith("sha256:"))

    def test_bounded_text_says_what_was_cut(self):
        self.assertEqual(bounded_text("short", 100), "short")
        cut = bounded_text("é" * 100, 11)
        self.assertTrue(cut.startswith("é" * 5))
        self.assertIn("truncated 190 bytes", cut)

    def test_render_payload_accepts_text_bytes_and_invalid_json(self):
        self.assertEqual(
            render_payload(b'{"email": "a@b.c"}', RULES, 1000), '{"email": "a***@b.c"}'
        )
        self.assertEqual(render_payload("not json", RULES, 1000), "not json")
        self.assertIsNone(render_payload(None, RULES, 1000))
