import json

import requests
import responses

from .common import RatesCase

CARRIER_LOGGER = "odoo.addons.logistics_delivery.models.delivery_carrier"


class TestRateHostileAnswers(RatesCase):
    """Whatever the TMS answers, the salesperson gets a rate or a reason, never a
    traceback, and no quote is kept with a price Odoo did not understand."""

    def _rate_raw(self, order, **answer):
        """Rate ``order`` with the TMS answering ``answer`` (``responses`` arguments);
        (result, server log lines)."""
        with responses.RequestsMock() as mocked:
            mocked.post(self.rates_url, **answer)
            with self.assertLogs(CARRIER_LOGGER, "WARNING") as server_log:
                result = self.tms_carrier.rate_shipment(order)
        return result, server_log.output

    def _assert_refused(self, order, reason_part, log_state="rejected", **answer):
        result, server_log = self._rate_raw(order, **answer)
        self.assertTrue(result["success"], "the fallback price rules answer")
        self.assertAlmostEqual(result["price"], 77.0)
        self.assertIn(reason_part, result["warning_message"])
        self.assertTrue(order.logistics_rate_fallback)
        self.assertIn(reason_part, order.logistics_rate_fallback_reason)
        self.assertFalse(order.logistics_rate_quote_ids, "no quote kept")
        log = self.env["logistics.integration.log"].search(
            [("model", "=", "sale.order"), ("res_id", "=", order.id), ("summary", "=", "tms_rate")]
        )
        self.assertEqual(log.mapped("state"), [log_state])
        self.assertIn(reason_part, log.error)
        self.assertEqual(log.correlation_id, order.logistics_correlation_id)
        self.assertTrue(
            any(order.logistics_correlation_id in line for line in server_log),
            "the server log names the transaction",
        )
        return result

    def _services(self, *services):
        return {"status": 200, "json": {"services": list(services)}}

    def test_malformed_json_or_an_html_page_with_200_is_refused_as_not_json(self):
        for body, content_type in (
            ('{"services": [{"price": 12', "application/json"),
            ("<html><body><h1>Gateway login</h1></body></html>", "text/html"),
        ):
            with self.subTest(content_type=content_type):
                self._assert_refused(
                    self._draft_order(),
                    "invalid answer: not JSON",
                    status=200,
                    body=body,
                    content_type=content_type,
                )

    def test_an_html_error_page_or_a_timeout_is_a_failed_call(self):
        for reason, answer in (
            (
                "HTTP 502",
                {"status": 502, "body": "<html>Bad Gateway</html>", "content_type": "text/html"},
            ),
            ("Timeout", {"body": requests.exceptions.ReadTimeout("read timed out")}),
        ):
            with self.subTest(reason=reason):
                self._assert_refused(self._draft_order(), reason, log_state="failed", **answer)

    def test_an_empty_list_is_refused(self):
        order = self._draft_order()
        self._assert_refused(order, "invalid answer: services", **self._services())

    def test_a_bare_list_is_refused(self):
        order = self._draft_order()
        self._assert_refused(order, "invalid answer: services: missing", status=200, json=[])

    def test_negative_huge_or_text_prices_are_refused_naming_the_field(self):
        for price in (-5.0, 1e300, "78.754999999999999"):
            with self.subTest(price=price):
                self._assert_refused(
                    self._draft_order(),
                    "invalid answer: services 0 price",
                    **self._services(self._service("economy", price)),
                )

    def test_a_quote_validity_that_is_no_iso_time_is_refused_naming_it(self):
        # A number would be read as unix time, a time beyond the year 9999 in UTC cannot be
        # kept: neither may become a quote.
        for valid_until in (4102488000, "4102488000", True, "9999-12-31T23:00:00-05:00"):
            with self.subTest(valid_until=valid_until):
                self._assert_refused(
                    self._draft_order(),
                    "invalid answer: services 0 valid until",
                    **self._services(self._service("economy", 12.0, valid_until=valid_until)),
                )

    def test_nan_and_infinite_prices_are_refused(self):
        for price in ("NaN", "Infinity"):
            with self.subTest(price=price):
                order = self._draft_order()
                body = json.dumps({"services": [self._service("economy", 1.0)]}).replace(
                    '"price": 1.0', f'"price": {price}'
                )
                self._assert_refused(
                    order,
                    "invalid answer: services 0 price",
                    status=200,
                    body=body,
                    content_type="application/json",
                )

    def test_many_decimals_are_kept_at_the_currency_precision(self):
        order = self._draft_order()
        result, _body = self._rate(order, self._service("economy", 78.75499999999))
        self.assertAlmostEqual(result["price"], 78.75, msg="the stored quote's price")
        self.assertEqual(order.logistics_rate_quote_ids.price, 78.75)

    def test_unknown_currency_is_a_rejected_answer(self):
        order = self._draft_order()
        self._assert_refused(
            order,
            "invalid answer: services 0 currency: unknown currency XXQ",
            **self._services(self._service("economy", 90.5, currency="XXQ")),
        )

    def test_a_service_quoted_twice_is_refused(self):
        order = self._draft_order()
        self._assert_refused(
            order,
            "invalid answer: services 1 service code: express of DHLF quoted twice",
            **self._services(
                self._service("express", 120.0),
                self._service("express", 99.0, quote_id="Q-other"),
            ),
        )

    def test_a_quote_id_given_twice_is_refused(self):
        order = self._draft_order()
        self._assert_refused(
            order,
            "invalid answer: services 1 quote id: Q-same given twice",
            **self._services(
                self._service("economy", 80.0, quote_id="Q-same"),
                self._service("express", 99.0, quote_id="Q-same"),
            ),
        )

    def test_the_same_service_of_two_carriers_is_two_quotes(self):
        order = self._draft_order()
        result, _body = self._rate(
            order,
            self._service("express", 120.0),
            self._service("express", 99.0, carrier_code="KN", quote_id="Q-kn"),
        )
        self.assertAlmostEqual(result["price"], 99.0)
        self.assertEqual(len(order.logistics_rate_quote_ids), 2)

    def test_missing_fields_are_all_named(self):
        order = self._draft_order()
        service = self._service("economy", 90.5)
        del service["quote_id"], service["currency"]
        result = self._assert_refused(
            order, "invalid answer: services 0 currency: missing", **self._services(service)
        )
        self.assertIn("services 0 quote id: missing", result["warning_message"])

    def test_extra_fields_are_ignored(self):
        order = self._draft_order()
        result, _body = self._rate(
            order, self._service("economy", 90.5, surcharge={"fuel": 3.1}, internal_note="x")
        )
        self.assertAlmostEqual(result["price"], 90.5)
        self.assertEqual(order.logistics_rate_quote_ids.price, 90.5)
        self.assertFalse(order.logistics_rate_fallback)
