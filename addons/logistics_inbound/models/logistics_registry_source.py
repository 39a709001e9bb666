from odoo import api, models


class LogisticsRegistrySource(models.AbstractModel):
    """Records the bridges' registry is made of (endpoints served, their recipes and
    secrets): creating or deleting one that is in the registry, or changing one of its
    ``_registry_fields``, moves the registry's version in the same transaction."""

    _name = "logistics.registry.source"
    _description = "Record of the bridges' registry"

    @api.model
    def _registry_fields(self):
        """The fields whose change changes the registry."""
        return set()

    def _in_registry(self):
        """Those of these records the registry contains."""
        return self

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        if records._in_registry():
            self.env["logistics.bridge.registry"]._bump_version()
        return records

    def write(self, vals):
        in_registry_before = bool(self._in_registry())
        res = super().write(vals)
        if self._registry_fields().intersection(vals) and (
            in_registry_before or self._in_registry()
        ):
            self.env["logistics.bridge.registry"]._bump_version()
        return res

    def unlink(self):
        in_registry = bool(self._in_registry())
        res = super().unlink()
        if in_registry:
            self.env["logistics.bridge.registry"]._bump_version()
        return res
