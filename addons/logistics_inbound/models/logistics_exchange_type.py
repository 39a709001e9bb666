from odoo import api, models


class LogisticsExchangeType(models.Model):
    _inherit = "logistics.exchange.type"

    # logistics.endpoint._get_inbound_exchange_type_id keeps each endpoint's inbound
    # exchange type per worker.
    @api.model_create_multi
    def create(self, vals_list):
        exchange_types = super().create(vals_list)
        self.env.registry.clear_cache()
        return exchange_types

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

    @api.model
    def _cache_invalidation_fields(self):
        # What decides an endpoint's inbound exchange type for a document format.
        return super()._cache_invalidation_fields() | {
            "endpoint_id",
            "direction",
            "schema_name",
            "code",
            "active",
        }
