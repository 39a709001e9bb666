import itertools
from datetime import UTC, datetime, timedelta

from odoo.addons.logistics_freight.tests.common import LogisticsFreightCase
from odoo.addons.logistics_inbound.tests.common import LogisticsInboundSourceCase

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


class LogisticsInboundCase(LogisticsInboundSourceCase, LogisticsFreightCase):
    """Fixtures: the bridge user, a TMS endpoint using the generic profile, a shipment,
    and the freight audit's carriers and orders."""

    _event_counter = itertools.count(1)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shipment = cls._create_shipment(tms_reference="TMS-1000", user_id=cls.logistics_user.id)

    @classmethod
    def _event(cls, event_type="status", reference="TMS-1000", occurred_at=T0, **payload):
        """A generic TMS event v1, as the bridge forwards it."""
        when = occurred_at.isoformat() if isinstance(occurred_at, datetime) else occurred_at
        if event_type == "status":
            payload.setdefault("status_code", "X6")
        return {
            "event_id": f"evt-{next(cls._event_counter)}",
            "event_type": event_type,
            "shipment_reference": reference,
            "occurred_at": when,
            "payload": payload,
            "correlation_id": "bridge-corr-1",
            "schema_version": "1",
            "received_at": (T0 + timedelta(hours=1)).isoformat(),
        }

    def _ingest(self, *events, endpoint=None):
        return self._ingest_into(endpoint or self.endpoint, *events)

    def _ingest_one(self, event, **kwargs):
        return self._ingest(event, **kwargs)[0]

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
