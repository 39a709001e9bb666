import re

from odoo.tests import HttpCase, tagged

from ..metrics import FAMILIES
from ..models.logistics_metrics import TOKEN_PARAM

TOKEN = "s3cret-metrics-token"


@tagged("post_install", "-at_install")
class TestMetricsRoute(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(TOKEN_PARAM, TOKEN)
        endpoint = cls.env["logistics.endpoint"].create(
            {"name": "Metrics TMS", "code": "metrics_tms", "kind": "tms"}
        )
        cls.env["logistics.integration.log"].sudo().create(
            [
                {
                    "direction": "outbound",
                    "endpoint_id": endpoint.id,
                    "state": state,
                    "duration_ms": duration,
                }
                for state, duration in (("processed", 80), ("processed", 400), ("failed", 7000))
            ]
        )

    def _get(self, token=None, scheme="Bearer"):
        headers = {"Authorization": f"{scheme} {token}"} if token is not None else {}
        return self.url_open("/logistics/metrics", headers=headers)

    def test_refused_without_token(self):
        response = self._get()
        self.assertEqual(response.status_code, 401)
        self.assertIn("Bearer", response.headers["WWW-Authenticate"])
        self.assertEqual(response.json()["error"], "unauthorized")
        self.assertEqual(self._get(TOKEN, scheme="Basic").status_code, 401)

    def test_refused_with_wrong_token(self):
        response = self._get("wrong-token")
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["error"], "forbidden")

    def test_refused_when_no_token_configured(self):
        self.env["ir.config_parameter"].sudo().set_param(TOKEN_PARAM, False)
        self.assertEqual(self._get(TOKEN).status_code, 403)

    def test_exposition_with_token(self):
        response = self._get(TOKEN)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.headers["Content-Type"].startswith("text/plain"))
        text = response.text
        declared = set(re.findall(r"^# TYPE (\S+) ", text, re.MULTILINE))
        self.assertEqual(declared, set(FAMILIES))
        labels = 'direction="outbound",endpoint="metrics_tms",state="failed"'
        self.assertIn(f"logistics_odoo_exchanges{{{labels}}} 1.0", text)
        self.assertIn(
            'logistics_odoo_exchange_duration_seconds_bucket{endpoint="metrics_tms",le="0.1"} 1.0',
            text,
        )
        self.assertIn(
            'logistics_odoo_exchange_duration_seconds_bucket{endpoint="metrics_tms",le="+Inf"} 3.0',
            text,
        )
        self.assertIn(
            'logistics_odoo_exchange_duration_seconds_sum{endpoint="metrics_tms"} 7.48', text
        )
        self.assertIn('logistics_odoo_business_exceptions{indicator="late"}', text)
