from odoo import fields, models

from .logistics_metrics import TOKEN_PARAM
from .logistics_tracing import OTEL_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    logistics_bridge_stale_seconds = fields.Integer(
        related="company_id.logistics_bridge_stale_seconds", readonly=False
    )
    logistics_sla_channel_id = fields.Many2one(
        related="company_id.logistics_sla_channel_id", readonly=False
    )
    logistics_sla_email = fields.Char(related="company_id.logistics_sla_email", readonly=False)
    logistics_metrics_token = fields.Char(
        config_parameter=TOKEN_PARAM,
        groups="base.group_system",
        help="Bearer token Prometheus presents to /logistics/metrics; empty refuses every scrape.",
    )
    logistics_otel_exporter = fields.Selection(
        selection=[("console", "Console (server log)"), ("otlp", "OTLP over HTTP")],
        string="OpenTelemetry Export",
        config_parameter=OTEL_PARAM,
        groups="base.group_system",
        help="Spans of outbound calls; off when empty. OTLP needs "
        "opentelemetry-exporter-otlp-proto-http and the OTEL_EXPORTER_OTLP_* variables.",
    )

    def set_values(self):
        res = super().set_values()
        self.env["logistics.tracing"]._reset_providers()
        return res
