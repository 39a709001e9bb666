from odoo import api, models


class LogisticsEndpoint(models.Model):
    _inherit = "logistics.endpoint"

    @api.model_create_multi
    def create(self, vals_list):
        endpoints = super().create(vals_list)
        self.env["logistics.overview.card"]._sync_endpoint_cards()
        return endpoints

    def write(self, vals):
        res = super().write(vals)
        if {"name", "active"} & set(vals):
            self.env["logistics.overview.card"]._sync_endpoint_cards()
        return res
