from odoo import api, models


class LogisticsCachedConfigMixin(models.AbstractModel):
    """Configuration records that per-worker caches (``tools.ormcache``) are computed from:
    any create, write or unlink empties those caches, so the next request reads the change."""

    _name = "logistics.cached.config.mixin"
    _description = "Logistics Configuration Kept Per Worker"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result
