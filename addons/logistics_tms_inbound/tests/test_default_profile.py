from odoo.exceptions import ValidationError

from ..models.logistics_endpoint import GENERIC_PROFILE_XMLID
from .common import LogisticsTmsInboundCase


class TestDefaultProfile(LogisticsTmsInboundCase):
    """The generic profile reads tms-event envelopes: the default of tms-event endpoints
    only, never of a raw document endpoint."""

    def test_tms_event_endpoint_without_profile_reads_with_the_generic_one(self):
        endpoint = self._create_endpoint(code="tms_default", inbound_format="tms-event")
        self.assertEqual(endpoint._get_inbound_profile(), self.env.ref(GENERIC_PROFILE_XMLID))
        self.assertFalse(endpoint.inbound_profile_problem)

    def test_raw_endpoint_without_profile_is_refused(self):
        for inbound_format in ("json", "x12-214"):
            with self.subTest(inbound_format=inbound_format):
                with self.assertRaises(ValidationError) as caught:
                    self._create_endpoint(code="raw_default", inbound_format=inbound_format)
                message = str(caught.exception)
                self.assertIn("(the default profile) reads tms-event envelope", message)
                self.assertIn("Inbound Profile:", message)
