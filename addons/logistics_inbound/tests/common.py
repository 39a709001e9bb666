import importlib.util
import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

from logistics_contract.x12 import shipment_status_events

from odoo.tests.common import new_test_user

from odoo.addons.logistics_shipment.tests.common import LogisticsShipmentCase

RECEIVED_AT = "2026-03-03T09:00:00+00:00"
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
X12_PROFILE_XMLID = "logistics_inbound.inbound_profile_x12_214"
# Where the tms-event envelope puts each canonical field (docs/tms-event-v1.md).
ENVELOPE_PATHS = {
    "path_event_id": "event_id",
    "path_shipment_reference": "shipment_reference",
    "path_status_code": "payload.status_code",
    "path_status_detail": "payload.status_detail",
    "path_event_time": "payload.event_time",
    "path_location": "payload.location",
    "path_carrier": "payload.carrier",
    "path_planning_reference": "payload.planning_reference",
    "path_tracking_number": "payload.tracking_number",
    "path_eta": "payload.eta",
    "path_pod_signed_by": "payload.pod.signed_by",
    "path_pod_signed_at": "payload.pod.signed_at",
    "path_pod_document_reference": "payload.pod.document_reference",
    "path_charge_external_id": "payload.charges[*].external_id",
    "path_charge_charge_type": "payload.charges[*].charge_type",
    "path_charge_amount": "payload.charges[*].amount",
    "path_charge_currency": "payload.charges[*].currency",
    "path_charge_description": "payload.charges[*].description",
}


class LogisticsInboundSourceCase(LogisticsShipmentCase):
    """Fixtures: a bridge user, a carrier endpoint per test, shipments with tracking numbers."""

    _counter = itertools.count(1)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bridge_user = new_test_user(
            cls.env,
            login="lgx_inbound_bridge",
            groups="logistics_inbound.group_logistics_bridge",
            company_id=cls.company.id,
            company_ids=[(6, 0, [cls.company.id])],
        )
        cls.endpoint.responsible_user_id = cls.integration_admin

    @classmethod
    def _create_profile(cls, **values):
        vals = {
            "name": f"Carrier format {next(cls._counter)}",
            "document_format": "json",
            "path_event_id": "event_id",
            "path_event_type": "=status",
            "path_shipment_reference": "document.ref",
            "path_status_code": "document.status",
            "path_status_detail": False,
            "path_event_time": "document.at",
            "path_location": False,
            "shipment_match_order": "shipment",
        }
        vals.update(values)
        return cls.env["logistics.inbound.profile"].create(vals)

    @classmethod
    def _carrier_endpoint(cls, profile):
        return cls._create_endpoint(
            name=f"Carrier {profile.name}",
            code=f"carrier_{next(cls._counter)}",
            kind="carrier",
            logistics_inbound_profile_id=profile.id,
        )

    @classmethod
    def _create_envelope_profile(cls):
        """A profile reading tms-event envelopes whose status codes are X12 214's, mapped
        as the shipped X12 214 profile maps them."""
        profile = cls._create_profile(
            document_format="tms-event",
            path_event_type=False,
            shipment_match_order="tms_reference, shipment",
            **ENVELOPE_PATHS,
        )
        cls.env.ref(X12_PROFILE_XMLID).status_mapping_ids.copy({"profile_id": profile.id})
        return profile

    @classmethod
    def _map(cls, profile, code, canonical, detail=False):
        return cls.env["logistics.status.mapping"].create(
            {
                "profile_id": profile.id,
                "raw_code": code,
                "raw_detail": detail,
                "event_type_id": cls.event_types[canonical].id,
            }
        )

    @classmethod
    def _shipment_with_tracking(cls, tracking_number, **values):
        picking = cls.env["stock.picking"].create(
            {
                "picking_type_id": cls.env.ref("stock.picking_type_out").id,
                "partner_id": cls.customer.id,
                "carrier_tracking_ref": tracking_number,
            }
        )
        return cls._create_shipment(picking_id=picking.id, **values)

    @classmethod
    def _raw(cls, document, document_format="json", event_id=None):
        """A raw document as the bridge forwards it."""
        return {
            "event_id": event_id or f"bridge-{next(cls._counter)}",
            "format": document_format,
            "received_at": RECEIVED_AT,
            "correlation_id": None,
            "document": document,
        }

    def _run_rehash_migration(self):
        """Run the migration that hashes kept contents again (18.0.2.1.0), as an upgrade from
        18.0.2.0.0 does."""
        script = Path(__file__).parents[1] / "migrations" / "18.0.2.1.0" / "post-migrate.py"
        spec = importlib.util.spec_from_file_location("rehash_post_migrate", script)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "18.0.2.0.0")

    @classmethod
    def _x12_events(cls, text):
        """The events the bridge forwards for an X12 interchange: one per ST."""
        _interchange, transactions = shipment_status_events(text)
        return [cls._raw(t.document, "x12-214", event_id=t.event_id) for t in transactions]

    @classmethod
    def _create_recipe(cls, endpoint, secrets=(), **values):
        """A recipe of ``endpoint`` (HMAC in X-Signature by default) with live ``secrets``."""
        vals = {
            "name": f"Recipe {next(cls._counter)}",
            "endpoint_id": endpoint.id,
            "scheme": "hmac",
            "header": "X-Signature",
        }
        vals.update(values)
        recipe = cls.env["logistics.auth.recipe"].create(vals)
        for value in secrets:
            cls._create_secret(recipe, value)
        return recipe

    @classmethod
    def _create_secret(cls, recipe, value, **values):
        return cls.env["logistics.auth.secret"].create(
            {"recipe_id": recipe.id, "value": value, **values}
        )

    def _ingest_into(self, endpoint, *events):
        ingest = self.env["logistics.ingest"].with_user(self.bridge_user)
        return ingest.ingest_events(endpoint.code, list(events))

    @staticmethod
    def _utc(*args):
        return datetime(*args, tzinfo=UTC).replace(tzinfo=None)


class LogisticsInboundCase(LogisticsInboundSourceCase):
    """Fixtures: a carrier forwarding tms-event envelopes through a profile of its own,
    the shipment it reports on, and helpers to build and ingest its events."""

    _event_counter = itertools.count(1)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source_endpoint = cls._carrier_endpoint(cls._create_envelope_profile())
        cls.source_endpoint.responsible_user_id = cls.integration_admin
        cls.shipment = cls._create_shipment(tms_reference="TMS-1000", user_id=cls.logistics_user.id)

    @classmethod
    def _event(cls, event_type="status", reference="TMS-1000", occurred_at=T0, **payload):
        """A tms-event v1 envelope, as the bridge forwards it."""
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
        return self._ingest_into(endpoint or self.source_endpoint, *events)

    def _ingest_one(self, event, **kwargs):
        return self._ingest(event, **kwargs)[0]
