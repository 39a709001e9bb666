import json
import re

import responses

from odoo.tests import HttpCase, tagged

from odoo.addons.logistics_delivery.tests.common import RatesCase

from .common import new_role_user

SALESPERSON = "sales_team.group_sale_salesman"
LOGISTICS_USER = "logistics_integration.group_logistics_user"
# Anything but the TMS's rates (the browser's own DevTools calls) goes out as it is.
EVERYTHING_ELSE = re.compile(".*")


@tagged("post_install", "-at_install")
class TestRateQuoteWalk(RatesCase, HttpCase):
    """A salesperson adds shipping with the Logistics TMS delivery method to a
    quotation in the browser: the rate, every service quoted, *Use this service* and
    the fallback price rules when the TMS fails, each figure checked on screen."""

    # RatesCase puts the registry in test mode itself.
    registry_test_mode = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tms_carrier.name = "TMS Rates"

    def _quotation_of(self, login, groups):
        """A new user with ``groups`` and a quotation of theirs to ship."""
        user = new_role_user(self.env, login, groups, self.company)
        return self._draft_order(user_id=user.id)

    def _walk(self, tour, order, login, *, status=200):
        """Run ``tour`` on ``order``'s form as ``login``, the TMS answering ``status``;
        the TMS's rate requests."""
        services = [
            self._service("ECO", 90.0, name="Economy Road", transit_days=4),
            self._service("EXP", 140.0, name="Express Air", transit_days=1),
        ]
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
            mocked.add_passthru(EVERYTHING_ELSE)
            self._mock_services(mocked, *services, status=status)
            self.start_tour(
                f"/odoo/action-sale.action_quotations_with_onboarding/{order.id}",
                tour,
                login=login,
                timeout=300,
            )
            return [call for call in mocked.calls if call.request.url == self.rates_url]

    def _assert_uses_the_express_service(self, order, rate_calls):
        self.assertEqual(len(rate_calls), 1, "Use this service asks the TMS nothing again")
        self.assertEqual(json.loads(rate_calls[0].request.body)["order_reference"], order.name)
        self.assertEqual(
            order.logistics_rate_quote_ids.mapped("service_code"), ["ECO", "EXP"], "by price"
        )
        self.assertEqual(order.logistics_rate_quote_id.service_code, "EXP")
        delivery = order.order_line.filtered("is_delivery")
        self.assertEqual((delivery.product_id, delivery.price_unit), (self.carrier_product, 140.0))
        self.assertFalse(order.logistics_rate_fallback)

    def test_salesperson_without_logistics_rights_shops_the_rates(self):
        order = self._quotation_of("walk_sales", SALESPERSON)
        rate_calls = self._walk("logistics_rate_quotes", order, "walk_sales")
        self._assert_uses_the_express_service(order, rate_calls)

    def test_logistics_user_shops_the_rates(self):
        order = self._quotation_of("walk_logistics", f"{SALESPERSON},{LOGISTICS_USER}")
        rate_calls = self._walk("logistics_rate_quotes", order, "walk_logistics")
        self._assert_uses_the_express_service(order, rate_calls)

    def test_tms_down_the_fallback_price_rules_rate_and_say_so(self):
        order = self._quotation_of("walk_fallback", f"{SALESPERSON},{LOGISTICS_USER}")
        rate_calls = self._walk("logistics_rate_fallback", order, "walk_fallback", status=503)
        self.assertEqual(len(rate_calls), 1)
        self.assertTrue(order.logistics_rate_fallback)
        self.assertFalse(order.logistics_rate_quote_ids)
        self.assertEqual(order.order_line.filtered("is_delivery").price_unit, 77.0)
