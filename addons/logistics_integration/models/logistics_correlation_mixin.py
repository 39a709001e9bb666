import uuid

from odoo import api, fields, models


class LogisticsCorrelationMixin(models.AbstractModel):
    """Carries the correlation id that ties one transaction together.

    The id is generated where a transaction starts (an order, a shipment
    created on its own) and copied, never regenerated, by everything that
    follows: exports, callbacks, charges and the invoice.
    """

    _name = "logistics.correlation.mixin"
    _description = "Logistics Correlation Mixin"

    correlation_id = fields.Char(
        index=True,
        copy=False,
        readonly=True,
        help="Traces one transaction from order to invoice across every system.",
    )

    @api.model
    def _new_correlation_id(self):
        return str(uuid.uuid4())
