import itertools
from datetime import UTC, datetime

from logistics_contract.x12 import shipment_status_events

from odoo.tests.common import new_test_user

from odoo.addons.logistics_shipment.tests.common import LogisticsShipmentCase

RECEIVED_AT = "2026-03-03T09:00:00+00:00"


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
