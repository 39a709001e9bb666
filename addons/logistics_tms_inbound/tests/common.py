from odoo.addons.logistics_freight.tests.common import LogisticsFreightCase
from odoo.addons.logistics_inbound.tests.common import T0, LogisticsInboundCase

__all__ = ["T0", "LogisticsTmsInboundCase"]


class LogisticsTmsInboundCase(LogisticsInboundCase, LogisticsFreightCase):
    """The generic ingest fixtures with the TMS as the source: its endpoint reads the
    generic tms-event v1 profile, and the freight audit's carriers and orders."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source_endpoint = cls.endpoint

    def _charges_event(self, reference, *amounts, charge_type="base_freight"):
        lines = [
            {
                "external_id": f"{reference}-{charge_type}-{i}",
                "charge_type": charge_type,
                "amount": amount,
                "currency": self.env.company.currency_id.name,
            }
            for i, amount in enumerate(amounts)
        ]
        return self._event(event_type="charges", reference=reference, charges=lines)
