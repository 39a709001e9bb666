from odoo import api, models


class LogisticsExchangeType(models.Model):
    _inherit = "logistics.exchange.type"

    @api.model
    def _cache_invalidation_fields(self):
        # What decides an endpoint's inbound exchange type for a document format, which
        # logistics.endpoint._get_inbound_exchange_type_id keeps per worker.
        return super()._cache_invalidation_fields() | {
            "endpoint_id",
            "direction",
            "schema_name",
            "code",
            "active",
        }
