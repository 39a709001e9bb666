import logging
from datetime import UTC

from pydantic import ValidationError

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError as OdooValidationError

from odoo.addons.logistics_tms_export.adapters import describe_errors

from .. import contract
from .logistics_endpoint import RateUnavailable

_logger = logging.getLogger(__name__)

FALLBACK_TYPES = ("fixed", "base_on_rule")
# Context key: rate with this chosen quote (its id) instead of asking for new ones.
CHOSEN_QUOTE_CONTEXT = "logistics_rate_quote_id"


def _naive_utc(moment):
    """``moment`` as Odoo stores datetimes: UTC without a time zone (None stays None)."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


class DeliveryCarrier(models.Model):
    """The Logistics TMS delivery provider: Odoo's provider protocol
    (``<delivery_type>_rate_shipment`` and the others) on top of the governed
    ``tms_rate`` exchange and the TMS transport order."""

    _inherit = "delivery.carrier"

    delivery_type = fields.Selection(
        selection_add=[("logistics_tms", "Logistics TMS")],
        ondelete={"logistics_tms": "set default"},
    )
    logistics_rate_endpoint_id = fields.Many2one(
        comodel_name="logistics.endpoint",
        string="Rates From",
        domain="[('kind', '=', 'tms')]",
        help="The TMS that quotes this delivery method's services (its exchange type "
        "tms_rate); empty: the order company's default TMS.",
    )
    logistics_fallback_carrier_id = fields.Many2one(
        comodel_name="delivery.carrier",
        string="Fallback Price Rules",
        domain=[("delivery_type", "in", FALLBACK_TYPES)],
        help="A fixed-price or rule-based delivery method whose price is used when the "
        "system quoting rates is slow, down or answers something unusable. The order "
        "then says the rate came from these price rules, and why.",
    )

    @api.constrains("logistics_rate_endpoint_id")
    def _check_logistics_rate_endpoint(self):
        for carrier in self.filtered("logistics_rate_endpoint_id"):
            if carrier.logistics_rate_endpoint_id.kind != "tms":
                raise OdooValidationError(
                    _(
                        "Rates From of %(carrier)s: %(endpoint)s is not a TMS; only a TMS "
                        "quotes rates.",
                        carrier=carrier.name,
                        endpoint=carrier.logistics_rate_endpoint_id.name,
                    )
                )

    @api.constrains("logistics_fallback_carrier_id")
    def _check_logistics_fallback_carrier(self):
        for carrier in self.filtered("logistics_fallback_carrier_id"):
            if carrier.logistics_fallback_carrier_id.delivery_type not in FALLBACK_TYPES:
                raise OdooValidationError(
                    _(
                        "The fallback of %(carrier)s must be a fixed-price or rule-based "
                        "delivery method.",
                        carrier=carrier.name,
                    )
                )

    # ------------------------------------------------------------------
    # Provider protocol
    # ------------------------------------------------------------------

    def logistics_tms_rate_shipment(self, order):
        """Quote ``order``'s transport through the TMS and keep every service quoted.

        The rate returned is that of the service the delivery method asks for (its TMS
        service level), else the one chosen on the order before, else the cheapest.
        When no usable quote comes back in time, the fallback price rules answer and
        the order says so, with the reason.
        """
        self.ensure_one()
        chosen_id = self.env.context.get(CHOSEN_QUOTE_CONTEXT)
        if chosen_id:
            return self._logistics_rate_result(
                self.env["logistics.rate.quote"].browse(chosen_id), order
            )
        stored = isinstance(order.id, int)
        try:
            answer = self._logistics_request_quotes(order)
            currencies = self._logistics_quote_currencies(answer)
        except RateUnavailable as err:
            return self._logistics_fallback_rate(order, err.reason)
        service = self._logistics_pick_service(answer.services, order)
        if not stored:
            return self._logistics_rate_answer(
                self._logistics_convert(service.price, currencies[service.currency], order)
            )
        quotes = self._logistics_store_quotes(order, answer.services, currencies)
        chosen = quotes[answer.services.index(service)]
        order.sudo().write(
            {
                "logistics_rate_quote_id": chosen.id,
                "logistics_rate_fallback": False,
                "logistics_rate_fallback_reason": False,
            }
        )
        return self._logistics_rate_result(chosen, order)

    def logistics_tms_send_shipping(self, pickings):
        """The transport order already went to the TMS through the outbox when the
        delivery was reserved (or the order confirmed): nothing is sent again. The
        price is the chosen quote's; the tracking number is the one the TMS reported."""
        results = []
        for picking in pickings:
            quote = picking.sale_id._logistics_shipping_quote()
            price = (
                self._logistics_convert(quote.price, quote.currency_id, picking.sale_id)
                if quote
                else picking.carrier_price
            )
            results.append(
                {"exact_price": price, "tracking_number": picking.carrier_tracking_ref or False}
            )
        return results

    def logistics_tms_get_tracking_link(self, picking):
        """The tracking page of the carrier transporting the delivery (the one the TMS
        assigned), else this delivery method's own tracking link."""
        self.ensure_one()
        transporting = picking.logistics_shipment_ids[:1].carrier_id
        if transporting and transporting != self:
            return transporting.get_tracking_link(picking)
        if self.tracking_url and picking.carrier_tracking_ref:
            return self.tracking_url.replace(
                "<shipmenttrackingnumber>", picking.carrier_tracking_ref
            )
        return False

    def logistics_tms_cancel_shipment(self, pickings):
        """Withdraw the deliveries' transport orders from the TMS, through the outbox."""
        pickings.logistics_shipment_ids._tms_cancel(reason="shipment_cancelled")

    # ------------------------------------------------------------------
    # Quotes
    # ------------------------------------------------------------------

    def _logistics_rate_endpoint(self, order):
        """The system asked for ``order``'s rates: this method's, else the company's TMS."""
        self.ensure_one()
        endpoint = (
            self.sudo().logistics_rate_endpoint_id
            or order.company_id.sudo().logistics_tms_endpoint_id
        )
        if not endpoint:
            raise RateUnavailable(_("no system to ask for rates (no default TMS)"))
        if endpoint.company_id != order.company_id:
            raise RateUnavailable(
                _(
                    "%(endpoint)s belongs to %(company)s, not to the order's company",
                    endpoint=endpoint.name,
                    company=endpoint.company_id.name,
                )
            )
        return endpoint

    def _logistics_request_quotes(self, order):
        endpoint = self._logistics_rate_endpoint(order)
        payload = self._logistics_rate_request(order)
        return endpoint._quote_rates(
            payload, order if isinstance(order.id, int) else None, self._logistics_answer_problems
        )

    def _logistics_rate_request(self, order):
        """The ``tms-rate`` v1 request for ``order``, validated; RateUnavailable when the
        order cannot be quoted (e.g. no destination country, products without weight)."""
        self.ensure_one()
        if not order.logistics_correlation_id and isinstance(order.id, int):
            # The transaction starts with the quote: the order keeps the id when confirmed.
            order.sudo().logistics_correlation_id = self.env[
                "logistics.correlation.mixin"
            ]._new_correlation_id()
        warehouse_partner = order.warehouse_id.partner_id or order.company_id.partner_id
        ship_to = order.partner_shipping_id
        parcels = [
            {
                "reference": line.product_id.default_code or None,
                "weight_kg": round(line.product_id.weight * line.product_uom_qty, 3),
            }
            for line in order.order_line
            if not line.is_delivery and not line.display_type and line.product_id.type == "consu"
        ]
        payload = {
            "schema": contract.SCHEMA_NAME,
            "schema_version": contract.SCHEMA_VERSION,
            "order_reference": order.name,
            "correlation_id": order.logistics_correlation_id or order.name,
            "ship_from": {
                "country_code": warehouse_partner.country_id.code,
                "zip": warehouse_partner.zip or None,
            },
            "ship_to": {"country_code": ship_to.country_id.code, "zip": ship_to.zip or None},
            "total_weight_kg": round(sum(parcel["weight_kg"] for parcel in parcels), 3),
            "parcels": parcels,
            "requested_services": [self.logistics_service_level]
            if self.logistics_service_level
            else [],
            "currency": order.currency_id.name,
        }
        try:
            contract.TmsRateRequestV1.model_validate(payload)
        except ValidationError as err:
            raise RateUnavailable(
                _(
                    "the order cannot be quoted: %(problems)s",
                    problems="; ".join(describe_errors(err, payload)),
                )
            ) from err
        return payload

    def _logistics_quote_currencies(self, answer):
        """Currencies of the quoted services by ISO code (those Odoo knows)."""
        codes = {service.currency for service in answer.services}
        currencies = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "in", list(codes))])
        )
        return {currency.name: currency for currency in currencies}

    def _logistics_answer_problems(self, answer):
        """What makes a well-formed answer unusable, one "field: problem" per line: a
        currency Odoo does not know, a service (carrier and service code) or a quote id
        given twice (which of the two prices holds cannot be told)."""
        known = self._logistics_quote_currencies(answer)
        problems = []
        services_seen, quotes_seen = set(), set()
        for index, service in enumerate(answer.services):
            if service.currency not in known:
                problems.append(
                    _(
                        "services %(index)s currency: unknown currency %(code)s",
                        index=index,
                        code=service.currency,
                    )
                )
            key = (service.carrier_code, service.service_code)
            if key in services_seen:
                problems.append(
                    _(
                        "services %(index)s service code: %(service)s of %(carrier)s quoted twice",
                        index=index,
                        service=service.service_code,
                        carrier=service.carrier_code,
                    )
                )
            if service.quote_id in quotes_seen:
                problems.append(
                    _(
                        "services %(index)s quote id: %(quote)s given twice",
                        index=index,
                        quote=service.quote_id,
                    )
                )
            services_seen.add(key)
            quotes_seen.add(service.quote_id)
        return problems

    def _logistics_pick_service(self, services, order):
        """The service whose rate Odoo uses: the one this method asks for, else the one
        chosen on the order before, else the cheapest."""
        wanted = [self.logistics_service_level]
        if isinstance(order.id, int):
            wanted.append(order.logistics_rate_quote_id.service_code)
        for code in filter(None, wanted):
            matching = [service for service in services if service.service_code == code]
            if matching:
                return min(matching, key=lambda service: service.price)
        return min(services, key=lambda service: service.price)

    def _logistics_store_quotes(self, order, services, currencies):
        """Replace the order's quotes by the services just quoted."""
        quotes = self.env["logistics.rate.quote"].sudo()
        quotes.search([("sale_order_id", "=", order.id)]).unlink()
        return quotes.create(
            [
                {
                    "sale_order_id": order.id,
                    "delivery_carrier_id": self.id,
                    "carrier_code": service.carrier_code,
                    "service_code": service.service_code,
                    "name": service.name,
                    "price": service.price,
                    "currency_id": currencies[service.currency].id,
                    "transit_days": service.transit_days or 0,
                    "quote_reference": service.quote_id,
                    "valid_until": _naive_utc(service.valid_until),
                }
                for service in services
            ]
        )

    def _logistics_rate_result(self, quote, order):
        return self._logistics_rate_answer(
            self._logistics_convert(quote.price, quote.currency_id, order)
        )

    @staticmethod
    def _logistics_rate_answer(price, warning=False):
        return {"success": True, "price": price, "error_message": False, "warning_message": warning}

    @staticmethod
    def _logistics_convert(amount, currency, order):
        """``amount`` in ``currency`` as a price of ``order`` (its currency)."""
        return currency._convert(
            amount,
            order.currency_id,
            order.company_id,
            order.date_order or fields.Date.context_today(order),
        )

    def _logistics_fallback_rate(self, order, reason):
        """The fallback price rules' rate, the order marked as rated by them with why."""
        self.ensure_one()
        fallback = self.logistics_fallback_carrier_id
        _logger.warning(
            "Rate of %s (correlation id %s) by %s from the fallback price rules %s: %s",
            order.name,
            order.logistics_correlation_id or "-",
            self.name,
            fallback.name or "(none)",
            reason,
        )
        if isinstance(order.id, int):
            self.env["logistics.rate.quote"].sudo().search(
                [("sale_order_id", "=", order.id)]
            ).unlink()
            order.sudo().write(
                {
                    "logistics_rate_quote_id": False,
                    "logistics_rate_fallback": True,
                    "logistics_rate_fallback_reason": reason,
                }
            )
        if not fallback:
            return {
                "success": False,
                "price": 0.0,
                "error_message": _(
                    "No rate for %(carrier)s: %(reason)s, and it has no fallback price rules.",
                    carrier=self.name,
                    reason=reason,
                ),
                "warning_message": False,
            }
        result = getattr(fallback, f"{fallback.delivery_type}_rate_shipment")(order)
        if result.get("success"):
            result["warning_message"] = _(
                "Rate from fallback price rules (%(rules)s): %(reason)s",
                rules=fallback.name,
                reason=reason,
            )
        return result
