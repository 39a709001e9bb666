from odoo import api, models


class LogisticsCachedConfigMixin(models.AbstractModel):
    """Configuration records that per-worker caches (``tools.ormcache``) are computed from:
    a create or unlink empties those caches, and so does a write of a field
    ``_cache_invalidation_fields`` names (of any field when it names none), so the next
    request reads the change."""

    _name = "logistics.cached.config.mixin"
    _description = "Logistics Configuration Kept Per Worker"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        result = super().write(vals)
        fields = self._cache_invalidation_fields()
        if not fields or fields & set(vals):
            self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

    @api.model
    def _cache_invalidation_fields(self):
        """Names of the fields the caches are computed from; empty when every field may be.

        A model whose caches read only some of its fields names them, so that editing
        another field (a name, a note) leaves every worker's caches warm."""
        return set()
