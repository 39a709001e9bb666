from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError

ADAPTER_MODEL_PREFIX = "logistics.tms.adapter."


class LogisticsEndpoint(models.Model):
    _inherit = "logistics.endpoint"

    tms_adapter = fields.Selection(
        selection=[("generic_v1", "Generic JSON (tms-order v1)")],
        string="TMS Adapter",
        default="generic_v1",
        help="How shipments are turned into this TMS's payloads and its answers read "
        "back. Other adapters are added by small modules.",
    )
    accepts_updates = fields.Boolean(
        default=True,
        help="Whether the TMS accepts a new version of an order it already has.",
    )

    @api.model
    def _tms_exists(self, company):
        """Whether ``company`` has an active TMS endpoint."""
        return bool(
            self.search_count([("kind", "=", "tms"), ("company_id", "=", company.id)], limit=1)
        )

    def _get_tms_adapter(self):
        """The adapter model that builds this TMS's payloads and reads its answers.

        The selection value ``acme_v2`` stands for the abstract model
        ``logistics.tms.adapter.acme.v2``.
        """
        self.ensure_one()
        model_name = self._get_tms_adapter_model_name()
        if model_name not in self.env:
            raise UserError(
                _(
                    "TMS adapter %(adapter)s of %(endpoint)s needs the model %(model)s, "
                    "which no installed addon provides.",
                    adapter=self.tms_adapter,
                    endpoint=self.name,
                    model=model_name,
                )
            )
        return self.env[model_name]

    def _get_tms_adapter_model_name(self):
        self.ensure_one()
        return ADAPTER_MODEL_PREFIX + (self.tms_adapter or "generic_v1").replace("_", ".")

    @api.model_create_multi
    def create(self, vals_list):
        endpoints = super().create(vals_list)
        self.env.registry.clear_cache()  # _tms_trigger_fields_in_use
        return endpoints

    def write(self, vals):
        res = super().write(vals)
        if {"kind", "tms_adapter", "active"} & set(vals):
            self.env.registry.clear_cache()  # _tms_trigger_fields_in_use
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()  # _tms_trigger_fields_in_use
        return res

    @api.model
    def _tms_changes_document(self, model_name, field_names):
        """Whether writing ``field_names`` of ``model_name`` changes an order document
        of one of the adapters in use (those of the active TMS endpoints)."""
        return bool(field_names) and not self._tms_trigger_fields_in_use(model_name).isdisjoint(
            field_names
        )

    @api.model
    @tools.ormcache("model_name")
    def _tms_trigger_fields_in_use(self, model_name):
        """Fields of ``model_name`` some adapter in use builds its order document from.

        Cached: partners, orders, deliveries and stock moves ask on every write.
        """
        endpoints = self.sudo().search([("kind", "=", "tms")])
        adapter_names = {endpoint._get_tms_adapter_model_name() for endpoint in endpoints}
        fields_in_use = set()
        for name in adapter_names & set(self.env.registry):
            fields_in_use |= self.env[name]._tms_trigger_fields().get(model_name, set())
        return frozenset(fields_in_use)
