from odoo import api, fields, models

from .logistics_endpoint import PRODUCTION_DATABASE_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    logistics_log_retention_days = fields.Integer(
        related="company_id.logistics_log_retention_days", readonly=False
    )
    logistics_log_payload_max_bytes = fields.Integer(
        related="company_id.logistics_log_payload_max_bytes", readonly=False
    )
    logistics_is_production_database = fields.Boolean(
        string="This database is production",
        compute="_compute_logistics_is_production_database",
        inverse="_inverse_logistics_is_production_database",
        help="Only the database registered here may call production endpoints. Copies "
        "of it get a new database id and are refused automatically.",
    )

    @api.depends("company_id")
    def _compute_logistics_is_production_database(self):
        params = self.env["ir.config_parameter"].sudo()
        current = params.get_param(PRODUCTION_DATABASE_PARAM) == params.get_param("database.uuid")
        for settings in self:
            settings.logistics_is_production_database = current

    def _inverse_logistics_is_production_database(self):
        params = self.env["ir.config_parameter"].sudo()
        for settings in self:
            value = (
                params.get_param("database.uuid")
                if (settings.logistics_is_production_database)
                else False
            )
            params.set_param(PRODUCTION_DATABASE_PARAM, value)
