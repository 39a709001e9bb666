import json
from unittest.mock import patch

import requests
import responses

from odoo.addons.logistics_integration import outbound
from odoo.addons.logistics_integration.masking import MASK
from odoo.addons.logistics_integration.tests.common import assert_values_refused

from .common import RatesCase


class TestRateShipment(RatesCase):
    def test_every_tms_endpoint_has_the_rate_exchange_type(self):
        exchange_type = self.endpoint.exchange_type_ids.filtered(lambda t: t.code == "tms_rate")
        self.assertEqual(exchange_type.direction, "outbound")
        self.assertEqual(
            (exchange_type.schema_name, exchange_type.schema_version), ("tms-rate", "1")
        )
        self.assertEqual(self.endpoint.rate_timeout, 5.0)

    def test_a_production_endpoint_is_not_called_from_a_test_database(self):
        self.endpoint.environment = "production"
        order = self._draft_order()
        with (
            responses.RequestsMock(),
            self.assertLogs("odoo.addons.logistics_delivery.models.delivery_carrier", "WARNING"),
        ):
            result = self.tms_carrier.rate_shipment(order)
        self._assert_fallback(order, result, "was not called", "rejected")

    def test_several_services_quoted_the_cheapest_is_the_rate(self):
        order = self._draft_order()
        result, body = self._rate(
            order,
            self._service("express", 140.0, transit_days=1),
            self._service("economy", 90.5, transit_days=4),
            self._service("standard", 110.0),
        )
        self.assertTrue(result["success"])
        self.assertAlmostEqual(result["price"], 90.5)
        self.assertEqual(len(order.logistics_rate_quote_ids), 3)
        self.assertEqual(order.logistics_rate_quote_id.service_code, "economy")
        self.assertEqual(order.logistics_rate_quote_id.quote_reference, "Q-economy")
        self.assertEqual(order.logistics_rate_quote_id.transit_days, 4)
        self.assertFalse(order.logistics_rate_fallback)
        self.assertEqual(body["schema"], "tms-rate")
        self.assertEqual(body["order_reference"], order.name)
        self.assertEqual(body["ship_to"], {"country_code": "BE", "zip": "1000"})
        self.assertEqual(body["total_weight_kg"], 25.0)
        self.assertEqual(body["parcels"], [{"reference": "WID-1", "weight_kg": 25.0}])
        self.assertEqual(body["requested_services"], [])

    def test_the_service_the_method_asks_for_is_the_rate(self):
        self.tms_carrier.logistics_service_level = "express"
        order = self._draft_order()
        result, body = self._rate(
            order, self._service("express", 140.0), self._service("economy", 90.5)
        )
        self.assertAlmostEqual(result["price"], 140.0)
        self.assertEqual(order.logistics_rate_quote_id.service_code, "express")
        self.assertEqual(body["requested_services"], ["express"])

    def test_rating_again_keeps_the_service_chosen_before(self):
        order = self._draft_order()
        self._rate(order, self._service("express", 140.0), self._service("economy", 90.5))
        express = order.logistics_rate_quote_ids.filtered(lambda q: q.service_code == "express")
        express.action_use_service()
        result, _body = self._rate(
            order, self._service("express", 150.0), self._service("economy", 95.0)
        )
        self.assertAlmostEqual(result["price"], 150.0)
        self.assertEqual(order.logistics_rate_quote_id.service_code, "express")
        self.assertEqual(len(order.logistics_rate_quote_ids), 2, "the old quotes are replaced")

    def test_use_this_service_sets_the_delivery_line_without_asking_again(self):
        order = self._draft_order()
        result, _body = self._rate(
            order, self._service("express", 140.0), self._service("economy", 90.5)
        )
        order.set_delivery_line(self.tms_carrier, result["price"])
        express = order.logistics_rate_quote_ids.filtered(lambda q: q.service_code == "express")
        with responses.RequestsMock() as mocked:
            express.action_use_service()
            self.assertFalse(mocked.calls)
        self.assertEqual(order.logistics_rate_quote_id, express)
        self.assertTrue(express.is_chosen)
        delivery_line = order.order_line.filtered("is_delivery")
        self.assertAlmostEqual(delivery_line.price_unit, 140.0)

    def test_exchange_is_logged_masked_with_the_correlation_id(self):
        self.env["logistics.masking.rule"].create(
            {"name": "Postal codes", "key_pattern": "zip", "method": "redact"}
        )
        order = self._draft_order()
        with patch.object(outbound, "send", wraps=outbound.send) as send:
            _result, body = self._rate(order, self._service("economy", 90.5))
        self.assertTrue(order.logistics_correlation_id, "the quote starts the transaction")
        self.assertEqual(body["correlation_id"], order.logistics_correlation_id)
        _method, _url, _body, headers, _auth, timeout = send.call_args.args
        self.assertEqual(headers["X-Correlation-ID"], order.logistics_correlation_id)
        self.assertIn(outbound.trace_id(order.logistics_correlation_id), headers["traceparent"])
        self.assertEqual(headers["X-API-Key"], "s3cr3t-api-key")
        self.assertEqual(timeout, (5.0, 5.0), "the endpoint's rate timeout, 5 s by default")
        log = self._rate_logs(order)
        self.assertEqual(len(log), 1)
        self.assertEqual(log.state, "processed")
        self.assertEqual(log.endpoint_id, self.endpoint)
        self.assertEqual(log.correlation_id, order.logistics_correlation_id)
        self.assertEqual(log.schema_version, "tms-rate/1")
        self.assertEqual(log.http_status, 200)
        logged = json.loads(log.payload)
        self.assertEqual(logged["ship_to"]["zip"], MASK)
        self.assertNotIn("s3cr3t-api-key", log.payload + log.response)
        self.assertEqual(json.loads(log.response)["services"][0]["quote_id"], "Q-economy")
        order.action_confirm()
        self.assertEqual(
            order.logistics_shipment_ids.correlation_id,
            log.correlation_id,
            "the shipment carries the transaction the quote started",
        )

    def test_rate_timeout_is_the_endpoints_setting(self):
        self.endpoint.rate_timeout = 2.5
        order = self._draft_order()
        with patch.object(outbound, "send", wraps=outbound.send) as send:
            self._rate(order, self._service("economy", 90.5))
        self.assertEqual(send.call_args.args[-1], (2.5, 2.5))

    def test_rate_timeout_a_salesperson_cannot_wait_for_is_refused(self):
        values = (0, -1, float("nan"), 3600)
        assert_values_refused(self, self.endpoint, "rate_timeout", values)

    def _assert_fallback(self, order, result, reason_part, log_state):
        self.assertTrue(result["success"])
        self.assertAlmostEqual(result["price"], 77.0, msg="the fallback's fixed price")
        self.assertIn(
            "Rate from fallback price rules (Road Price Rules)", result["warning_message"]
        )
        self.assertTrue(order.logistics_rate_fallback)
        self.assertIn(reason_part, order.logistics_rate_fallback_reason)
        self.assertFalse(order.logistics_rate_quote_id)
        self.assertFalse(order.logistics_rate_quote_ids)
        log = self._rate_logs(order)
        self.assertEqual(log.mapped("state"), [log_state])
        self.assertIn(reason_part, log.error)

    def _rate_with(self, order, **answer):
        with responses.RequestsMock() as mocked:
            mocked.post(self.rates_url, **answer)
            with self.assertLogs(
                "odoo.addons.logistics_delivery.models.delivery_carrier", "WARNING"
            ):
                return self.tms_carrier.rate_shipment(order)

    def test_timeout_falls_back_to_the_price_rules(self):
        order = self._draft_order()
        result = self._rate_with(order, body=requests.exceptions.ReadTimeout("read timed out"))
        self._assert_fallback(order, result, "Timeout", "failed")

    def test_connection_error_falls_back_to_the_price_rules(self):
        order = self._draft_order()
        result = self._rate_with(order, body=requests.exceptions.ConnectionError("refused"))
        self._assert_fallback(order, result, "Connection error", "failed")

    def test_server_error_falls_back_to_the_price_rules(self):
        order = self._draft_order()
        result = self._rate_with(order, status=503, json={"message": "maintenance"})
        self._assert_fallback(order, result, "HTTP 503: maintenance", "failed")
        self.assertEqual(self._rate_logs(order).http_status, 503)

    def test_invalid_answer_falls_back_to_the_price_rules(self):
        order = self._draft_order()
        service = self._service("economy", 90.5)
        del service["price"]
        result = self._rate_with(order, status=200, json={"services": [service]})
        self._assert_fallback(
            order, result, "invalid answer: services 0 price: missing", "rejected"
        )

    def test_unknown_currency_falls_back_to_the_price_rules(self):
        order = self._draft_order()
        service = self._service("economy", 90.5, currency="XXQ")
        result = self._rate_with(order, status=200, json={"services": [service]})
        self.assertTrue(order.logistics_rate_fallback)
        self.assertIn("unknown currency XXQ", order.logistics_rate_fallback_reason)
        self.assertAlmostEqual(result["price"], 77.0)

    def test_a_good_quote_after_a_fallback_clears_the_mark(self):
        order = self._draft_order()
        self._rate_with(order, status=502, body="bad gateway")
        self.assertTrue(order.logistics_rate_fallback)
        result, _body = self._rate(order, self._service("economy", 90.5))
        self.assertAlmostEqual(result["price"], 90.5)
        self.assertFalse(order.logistics_rate_fallback)
        self.assertFalse(order.logistics_rate_fallback_reason)

    def test_archived_exchange_type_is_not_called(self):
        self.endpoint.exchange_type_ids.filtered(lambda t: t.code == "tms_rate").active = False
        order = self._draft_order()
        with (
            responses.RequestsMock(),
            self.assertLogs("odoo.addons.logistics_delivery.models.delivery_carrier", "WARNING"),
        ):
            result = self.tms_carrier.rate_shipment(order)
        self._assert_fallback(order, result, "archived", "rejected")

    def test_without_fallback_the_rate_fails_with_the_reason(self):
        self.tms_carrier.logistics_fallback_carrier_id = False
        order = self._draft_order()
        result = self._rate_with(order, status=500, body="boom")
        self.assertFalse(result["success"])
        self.assertIn("no fallback price rules", result["error_message"])
        self.assertIn("HTTP 500", result["error_message"])
        self.assertTrue(order.logistics_rate_fallback)

    def test_an_order_without_weight_is_not_sent(self):
        order = self._draft_order(product=self._create_product("Feather", "FTH-1", weight=0.0))
        with (
            responses.RequestsMock(),
            self.assertLogs("odoo.addons.logistics_delivery.models.delivery_carrier", "WARNING"),
        ):
            result = self.tms_carrier.rate_shipment(order)
        self.assertAlmostEqual(result["price"], 77.0)
        self.assertIn(
            "cannot be quoted: total weight: must be greater than 0",
            order.logistics_rate_fallback_reason,
        )
        self.assertFalse(self._rate_logs(order), "nothing was sent")

    def test_a_salesperson_rates_without_logistics_rights(self):
        order = self._draft_order().with_user(self.salesperson)
        with responses.RequestsMock() as mocked:
            self._mock_services(mocked, self._service("economy", 90.5))
            result = self.tms_carrier.with_user(self.salesperson).rate_shipment(order)
        self.assertAlmostEqual(result["price"], 90.5)
        self.assertEqual(order.logistics_rate_quote_id.service_code, "economy")
        self.assertEqual(len(self._rate_logs(order)), 1)

    def test_another_companys_endpoint_is_never_asked(self):
        foreign = self._create_endpoint(
            name="Other TMS", code="other_tms", company_id=self.other_company.id
        )
        self.tms_carrier.logistics_rate_endpoint_id = foreign
        order = self._draft_order()
        with (
            responses.RequestsMock(),
            self.assertLogs("odoo.addons.logistics_delivery.models.delivery_carrier", "WARNING"),
        ):
            result = self.tms_carrier.rate_shipment(order)
        self.assertAlmostEqual(result["price"], 77.0)
        self.assertIn("belongs to Other Logistics Co", order.logistics_rate_fallback_reason)
