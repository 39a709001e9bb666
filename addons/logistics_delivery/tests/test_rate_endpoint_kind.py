from odoo.exceptions import ValidationError

from odoo.addons.logistics_integration.models.logistics_endpoint import ENDPOINT_KINDS

from ..models.logistics_endpoint import RateUnavailable
from .common import RatesCase

SYNCHRONOUS_LOGGER = "odoo.addons.logistics_tms_export.models.logistics_endpoint"


class TestRateEndpointKind(RatesCase):
    """Only a TMS quotes rates: other kinds of endpoint never get nor register tms_rate."""

    def _codes(self, endpoint):
        return endpoint.with_context(active_test=False).exchange_type_ids.mapped("code")

    def test_only_tms_endpoints_get_the_rate_exchange_type(self):
        self.assertIn("tms_rate", self._codes(self.endpoint))
        others = {
            kind: self._create_endpoint(name=f"Rates {kind}", code=f"rates_{kind}", kind=kind)
            for kind, _label in ENDPOINT_KINDS
            if kind != "tms"
        }
        self.assertTrue(others)
        self.env["logistics.endpoint"]._ensure_all_exchange_types()
        for kind, endpoint in others.items():
            with self.subTest(kind=kind):
                self.assertNotIn("tms_rate", self._codes(endpoint))
        second_tms = self._create_endpoint(name="Second TMS", code="rates_tms2")
        self.assertIn("tms_rate", self._codes(second_tms))

    def test_a_delivery_method_asks_a_tms_only(self):
        carrier_endpoint = self._create_endpoint(
            name="Parcel carrier", code="rates_parcel", kind="carrier"
        )
        field = self.tms_carrier._fields["logistics_rate_endpoint_id"]
        self.assertEqual(field.domain, "[('kind', '=', 'tms')]")
        with self.assertRaisesRegex(ValidationError, "Rates From .* is not a TMS"):
            self.tms_carrier.logistics_rate_endpoint_id = carrier_endpoint
        self.tms_carrier.logistics_rate_endpoint_id = self.endpoint
        self.assertEqual(self.tms_carrier.logistics_rate_endpoint_id, self.endpoint)

    def test_rates_asked_of_another_kind_are_refused_and_register_nothing(self):
        carrier_endpoint = self._create_endpoint(
            name="Parcel carrier", code="rates_parcel", kind="carrier"
        )
        order = self._draft_order()
        with (
            self.assertRaisesRegex(RateUnavailable, "not a TMS: only a TMS answers tms_rate"),
            self.assertLogs(
                "odoo.addons.logistics_tms_export.models.logistics_endpoint", "WARNING"
            ),
        ):
            carrier_endpoint._quote_rates(self.tms_carrier._logistics_rate_request(order), order)
        self.assertNotIn("tms_rate", self._codes(carrier_endpoint))
        log = self._rate_logs(order)
        self.assertEqual((log.state, log.endpoint_id), ("rejected", carrier_endpoint))
