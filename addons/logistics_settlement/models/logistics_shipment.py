import logging

from pydantic import ValidationError

from odoo import _, api, models

from odoo.addons.logistics_integration import outbound

from ..contract import SCHEMA_NAME, SCHEMA_VERSION, FinanceShipmentV1

_logger = logging.getLogger(__name__)

FINANCE_EXCHANGE_TYPE = "finance_shipment"
FINANCE_PATH = "/v1/finance/shipments"


class LogisticsShipment(models.Model):
    _inherit = "logistics.shipment"

    @api.model
    def _export_invoice_ready_to_finance(self, companies, window):
        """Push the invoice-ready shipments whose invoices or charges changed in
        ``window`` to each company's finance endpoint, one message per document version."""
        changed = [
            ("company_id", "in", companies.ids),
            ("write_date", ">=", window[0]),
            ("write_date", "<", window[1]),
        ]
        invoices = self.env["account.move"].search(
            changed + [("move_type", "=", "out_invoice"), ("state", "=", "posted")]
        )
        charges = self.env["logistics.freight.charge"].search(changed)
        shipments = (
            invoices.line_ids.sale_line_ids.order_id.logistics_shipment_ids | charges.shipment_id
        ).filtered(lambda s: s.invoice_release_state == "released" and s._get_finance_invoices())
        sent, unchanged, invalid, no_endpoint = 0, 0, [], 0
        for shipment in shipments:
            endpoint = self._get_finance_endpoint(shipment.company_id)
            if not endpoint:
                no_endpoint += 1
                continue
            try:
                message = shipment._enqueue_finance_version(endpoint)
            except ValidationError as err:
                _logger.warning("Shipment %s not sent to finance: %s", shipment.name, err)
                problems = ", ".join(
                    f"{'.'.join(map(str, error['loc']))}: {error['msg']}" for error in err.errors()
                )
                invalid.append(f"{shipment.name} ({problems})")
                continue
            if message:
                sent += 1
            else:
                unchanged += 1
        summary = _(
            "%(sent)s shipments queued for finance, %(unchanged)s unchanged, "
            "%(missing)s without a finance endpoint.",
            sent=sent,
            unchanged=unchanged,
            missing=no_endpoint,
        )
        if invalid:
            summary += "\n" + _("Invalid: %(list)s", list="; ".join(invalid))
        # An invalid document is retried by the next run (sent ones are not sent again).
        return summary, not invalid

    @api.model
    def _get_finance_endpoint(self, company):
        return self.env["logistics.endpoint"].search(
            [("kind", "=", "finance"), ("company_id", "in", [company.id, False])],
            order="company_id, id",
            limit=1,
        )

    def _enqueue_finance_version(self, endpoint):
        """Queue the shipment's finance document when it differs from the last version
        sent to ``endpoint``; return the new message, or None when nothing changed.

        The payload is validated against ``finance-shipment`` v1 first (raises
        pydantic's ValidationError naming the field)."""
        self.ensure_one()
        outbox = self.env["logistics.outbound.message"]
        last = outbox.search(
            [
                ("endpoint_id", "=", endpoint.id),
                ("exchange_type_code", "=", FINANCE_EXCHANGE_TYPE),
                ("model", "=", self._name),
                ("res_id", "=", self.id),
            ],
            order="payload_version desc",
            limit=1,
        )
        version = last.payload_version or 1
        payload = self._prepare_finance_document(version)
        if last and outbound.dumps(payload) == last.payload:
            return None
        if last:
            version += 1
            payload["document_version"] = version
        FinanceShipmentV1.model_validate(payload)
        return outbox._enqueue(
            endpoint,
            FINANCE_EXCHANGE_TYPE,
            self,
            payload,
            FINANCE_PATH,
            payload_version=version,
            schema_version=f"{SCHEMA_NAME}/{SCHEMA_VERSION}",
            description=_(
                "Finance data of %(shipment)s, version %(version)s",
                shipment=self.name,
                version=version,
            ),
        )

    def _prepare_finance_document(self, version):
        self.ensure_one()
        order = self.sale_order_id
        invoices = self._get_finance_invoices()
        return {
            "schema": SCHEMA_NAME,
            "schema_version": SCHEMA_VERSION,
            "document_version": version,
            "correlation_id": self.correlation_id or "",
            "company": self.company_id.name,
            "shipment": {
                "reference": self.name,
                "tms_reference": self.tms_reference or None,
                "carrier": self.carrier_id.name or None,
                "customer": self.partner_id.commercial_partner_id.name,
                "sale_order": order.name or "",
                "delivered_at": self.actual_delivery_date.isoformat()
                if self.actual_delivery_date
                else None,
            },
            "charges": [
                {
                    "charge_type": charge.charge_type,
                    "expected_amount": charge.expected_amount,
                    "actual_amount": charge.actual_amount,
                    "currency": charge.currency_id.name,
                    "carrier_bill": charge.carrier_bill_id.ref
                    or charge.carrier_bill_id.name
                    or None,
                }
                for charge in self.charge_ids.sorted("id")
            ],
            "invoices": [
                {
                    "number": invoice.name,
                    "invoice_date": invoice.invoice_date.isoformat(),
                    "currency": invoice.currency_id.name,
                    "amount_untaxed": invoice.amount_untaxed,
                    "amount_total": invoice.amount_total,
                    "payment_state": invoice.payment_state,
                }
                for invoice in invoices
            ],
        }

    def _get_finance_invoices(self):
        """The posted customer invoices of the shipment's order."""
        self.ensure_one()
        return self.sale_order_id.invoice_ids.filtered(
            lambda m: m.move_type == "out_invoice" and m.state == "posted"
        ).sorted("id")
