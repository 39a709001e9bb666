import itertools
from datetime import UTC, datetime, timedelta

from odoo.tests.common import new_test_user

from odoo.addons.logistics_freight.tests.common import LogisticsFreightCase

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


class LogisticsInboundCase(LogisticsFreightCase):
    """Fixtures: a bridge user, a TMS endpoint using the generic profile, a shipment."""

    _event_counter = itertools.count(1)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bridge_user = new_test_user(
            cls.env,
            login="lgx_bridge",
            groups="logistics_tms_inbound.group_logistics_bridge",
            company_id=cls.company.id,
            company_ids=[(6, 0, [cls.company.id])],
        )
        cls.endpoint.responsible_user_id = cls.integration_admin
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
        ingest = self.env["logistics.ingest"].with_user(self.bridge_user)
        return ingest.ingest_events((endpoint or self.endpoint).code, list(events))

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
