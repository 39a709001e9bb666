import json

import responses

from odoo.addons.logistics_tms_export.tests.common import TmsExportCase, trap_jobs

__all__ = ["RatesCase", "trap_jobs"]

RATES_PATH = "/v1/rates"


class RatesCase(TmsExportCase):
    """A Logistics TMS delivery method with fallback price rules, and orders to rate."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fallback = cls.env["delivery.carrier"].create(
            {
                "name": "Road Price Rules",
                "product_id": cls.carrier_product.id,
                "delivery_type": "fixed",
                "fixed_price": 77.0,
            }
        )
        cls.tms_carrier = cls.env["delivery.carrier"].create(
            {
                "name": "Logistics TMS",
                "product_id": cls.carrier_product.id,
                "delivery_type": "logistics_tms",
                "logistics_fallback_carrier_id": cls.fallback.id,
            }
        )
        cls.rates_url = cls.endpoint.base_url + RATES_PATH

    def _service(self, service_code, price, **values):
        """One service of a ``tms-rate`` v1 answer, priced in the company's currency."""
        service = {
            "carrier_code": "DHLF",
            "service_code": service_code,
            "name": f"DHL Freight {service_code}",
            "price": price,
            "currency": self.company.currency_id.name,
            "transit_days": 2,
            "quote_id": f"Q-{service_code}",
            "valid_until": "2099-01-01T12:00:00+00:00",
        }
        service.update(values)
        return service

    def _draft_order(self, **values):
        return self._create_order(confirm=False, **values)

    def _mock_services(self, mocked, *services, status=200):
        return mocked.post(self.rates_url, status=status, json={"services": list(services)})

    def _rate(self, order, *services):
        """Rate ``order`` with the TMS answering ``services``; (result, request body)."""
        with responses.RequestsMock() as mocked:
            self._mock_services(mocked, *services)
            result = self.tms_carrier.rate_shipment(order)
            body = json.loads(mocked.calls[0].request.body)
        return result, body

    def _rate_logs(self, order):
        return self.env["logistics.integration.log"].search(
            [
                ("model", "=", "sale.order"),
                ("res_id", "=", order.id),
                ("summary", "=", "tms_rate"),
            ]
        )
