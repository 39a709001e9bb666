from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import requests

from odoo.tests.common import BaseCase

from .. import outbound


def _response(status, body=b"{}", headers=None):
    response = requests.Response()
    response.status_code = status
    response._content = body
    response.headers.update(headers or {})
    return response


class TestOutboundRules(BaseCase):
    def test_retry_after_seconds_and_dates(self):
        now = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
        self.assertEqual(outbound.parse_retry_after("30"), 30)
        self.assertEqual(
            outbound.parse_retry_after(
                format_datetime(now + timedelta(seconds=90), usegmt=True), now
            ),
            90,
        )
        self.assertEqual(
            outbound.parse_retry_after(format_datetime(now, usegmt=True), now + timedelta(1)), 0
        )
        self.assertEqual(outbound.parse_retry_after("999999"), outbound.MAX_RETRY_AFTER)
        self.assertIsNone(outbound.parse_retry_after("soon"))
        self.assertIsNone(outbound.parse_retry_after(None))

    def test_classification(self):
        kinds = {
            status: outbound.classify_response(_response(status)).kind
            for status in (200, 201, 204, 400, 401, 404, 408, 409, 422, 425, 429, 500, 502, 503)
        }
        self.assertEqual(
            kinds,
            {
                200: "success",
                201: "success",
                204: "success",
                400: "fail",
                401: "fail",
                404: "fail",
                409: "fail",
                422: "fail",
                408: "retry",
                425: "retry",
                429: "retry",
                500: "retry",
                502: "retry",
                503: "retry",
            },
        )
        conflict = _response(409, b'{"error": "order_exists"}')
        outcome = outbound.classify_response(
            conflict, lambda body: body.get("error") == "order_exists"
        )
        self.assertEqual(outcome.kind, "success")
        throttled = outbound.classify_response(_response(503, b"", {"Retry-After": "7"}))
        self.assertEqual((throttled.kind, throttled.retry_after), ("retry", 7))
        refused = outbound.classify_response(_response(400, b'{"message": "zip invalid"}'))
        self.assertEqual(refused.error, "HTTP 400: zip invalid")

    def test_retry_delay_follows_the_pattern(self):
        pattern = {1: 60, 3: 180, 5: 300}
        self.assertEqual(
            [outbound.retry_delay(pattern, attempt) for attempt in range(1, 7)],
            [60, 60, 180, 180, 300, 300],
        )

    def test_session_never_retries_at_the_adapter(self):
        adapter = outbound.get_session().get_adapter("http://127.0.0.1/")
        self.assertEqual(adapter.max_retries.total, 0)
