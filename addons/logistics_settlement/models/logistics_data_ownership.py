from odoo import fields, models


class LogisticsDataOwnership(models.Model):
    """The domains of carrier settlement, each run as a batch (data/logistics_batch_data.xml)."""

    _inherit = "logistics.data.ownership"

    domain = fields.Selection(
        selection_add=[
            ("carrier_settlement", "Carrier Settlement"),
            ("freight_accruals", "Freight Accruals"),
            ("finance_export", "Finance Export"),
        ],
        ondelete={
            "carrier_settlement": "cascade",
            "freight_accruals": "cascade",
            "finance_export": "cascade",
        },
    )
