import copy

from .common import LogisticsInboundSourceCase
from .samples import (
    AFTERSHIP_TRACKING_UPDATE,
    EASYPOST_TRACKER_UPDATED,
    EASYSHIP_CHECKPOINTS_CREATED,
    SHIPPO_TRACK_UPDATED,
    X12_214_INTERCHANGE,
)


class TestPresets(LogisticsInboundSourceCase):
    """Each preset with a public sample document (see samples.py for the sources)."""

    def _preset_endpoint(self, xmlid):
        return self._carrier_endpoint(self.env.ref(f"logistics_inbound.{xmlid}"))

    def _timeline(self, shipment):
        return [
            (m.event_type_id.code, m.raw_code, m.location, m.event_time)
            for m in shipment.milestone_ids.sorted("event_time")
        ]

    def test_easypost_tracker_updated(self):
        """Sample: https://www.easypost.com/tracking-webhooks (Sample Webhook JSON)."""
        shipment = self._shipment_with_tracking("EZ4000000004")
        endpoint = self._preset_endpoint("inbound_profile_easypost")
        raw = self._raw(EASYPOST_TRACKER_UPDATED, event_id="evt_qatAiJDM")
        [answer] = self._ingest_into(endpoint, raw)
        self.assertEqual(answer["result"], "processed", answer)
        self.assertEqual(
            self._timeline(shipment),
            [
                ("shipment_planned", "pre_transit", False, self._utc(2014, 8, 21, 14, 24)),
                (
                    "in_transit",
                    "in_transit",
                    "SOUTH SAN FRANCISCO, CA, US",
                    self._utc(2014, 8, 21, 14, 48),
                ),
            ],
        )
        self.assertTrue(shipment.milestone_ids[0].external_event_id.startswith("trk_Txyy1vaM#"))
        # EasyPost sends the whole tracker again with every update: nothing new.
        [answer] = self._ingest_into(
            endpoint, self._raw(EASYPOST_TRACKER_UPDATED, event_id="evt_next")
        )
        self.assertEqual(answer["result"], "duplicate")

    def test_shippo_track_updated(self):
        """Sample: WebhookPayloadTrack, github.com/goshippo/shippo-javascript-sdk
        docs/models/components/webhookpayloadtrack.md."""
        shipment = self._shipment_with_tracking("9205590164917312751089")
        endpoint = self._preset_endpoint("inbound_profile_shippo")
        [answer] = self._ingest_into(endpoint, self._raw(SHIPPO_TRACK_UPDATED))
        self.assertEqual(answer["result"], "processed", answer)
        self.assertEqual(
            self._timeline(shipment),
            [("delivered", "DELIVERED", "Las Vegas, NV, US", self._utc(2016, 7, 23))],
        )
        milestone = shipment.milestone_ids
        self.assertEqual(milestone.raw_detail, "information_received")
        self.assertEqual(milestone.external_event_id, "a1e1b1c0d2f34f0c9d1c8a5e3b2f7c11")
        self.assertEqual(shipment.state, "delivered")

    def test_shippo_action_required_substatus(self):
        """The preset's detail lines: TRANSIT + address_issue needs action."""
        shipment = self._shipment_with_tracking("9205590164917312751089")
        endpoint = self._preset_endpoint("inbound_profile_shippo")
        document = {
            "event": "track_updated",
            "data": {
                "tracking_number": "9205590164917312751089",
                "tracking_history": [
                    {
                        "object_id": "h-2",
                        "status": "TRANSIT",
                        "substatus": {"code": "address_issue", "action_required": True},
                        "status_date": "2026-03-02T10:00:00Z",
                        "location": {"city": "Reno", "state": "NV", "country": "US"},
                    }
                ],
            },
        }
        [answer] = self._ingest_into(endpoint, self._raw(document))
        self.assertEqual(answer["result"], "processed", answer)
        self.assertEqual(shipment.state, "exception")
        self.assertTrue(shipment.milestone_ids.action_required)

    def test_aftership_tracking_update(self):
        """Sample: built from https://www.aftership.com/docs/tracking/2025-01/webhook/
        webhook-specifications (see samples.py)."""
        shipment = self._shipment_with_tracking("1Z9999W99999999999")
        endpoint = self._preset_endpoint("inbound_profile_aftership")
        [answer] = self._ingest_into(endpoint, self._raw(AFTERSHIP_TRACKING_UPDATE))
        self.assertEqual(answer["result"], "processed", answer)
        self.assertEqual(
            self._timeline(shipment),
            [
                ("in_transit", "InTransit", "Louisville, KY, USA", self._utc(2026, 3, 3, 3, 15)),
                (
                    "out_for_delivery",
                    "OutForDelivery",
                    "Atlanta, GA, USA",
                    self._utc(2026, 3, 3, 12, 40),
                ),
            ],
        )
        self.assertEqual(shipment.state, "out_for_delivery")

    def test_pickup_point_is_not_delivered(self):
        """A parcel waiting at a locker or pickup point is not delivered: the delivery is
        not validated and the customer is told where it is, not that it arrived."""
        shipment = self._shipment_with_tracking("1Z9999W99999999999")
        endpoint = self._preset_endpoint("inbound_profile_aftership")
        document = copy.deepcopy(AFTERSHIP_TRACKING_UPDATE)
        document["msg"]["checkpoints"].append(
            {
                "slug": "ups",
                "city": "Atlanta",
                "state": "GA",
                "country_region": "USA",
                "message": "Available for pickup at UPS Access Point",
                "tag": "AvailableForPickup",
                "subtag": "AvailableForPickup_001",
                "checkpoint_time": "2026-03-03T15:05:00-05:00",
            }
        )
        [answer] = self._ingest_into(endpoint, self._raw(document))
        self.assertEqual(answer["result"], "processed", answer)
        pickup = shipment.milestone_ids.filtered(lambda m: m.raw_code == "AvailableForPickup")
        self.assertEqual(pickup.event_type_id.code, "available_for_pickup")
        self.assertEqual(shipment.state, "available_for_pickup")
        self.assertFalse(shipment.actual_delivery_date)
        self.assertNotEqual(shipment.picking_id.state, "done")
        self.assertNotIn("deliver", pickup.event_type_id.customer_label.lower())
        easypost = self.env.ref("logistics_inbound.status_mapping_easypost_available_for_pickup")
        self.assertEqual(easypost.event_type_id, pickup.event_type_id)

    def test_easyship_checkpoints_created(self):
        """Sample: https://developers.easyship.com/reference-link/
        shipmenttrackingcheckpointscreated (v2024.09; see samples.py)."""
        shipment = self._shipment_with_tracking("12345")
        endpoint = self._preset_endpoint("inbound_profile_easyship")
        [answer] = self._ingest_into(endpoint, self._raw(EASYSHIP_CHECKPOINTS_CREATED))
        self.assertEqual(answer["result"], "processed", answer)
        self.assertEqual(
            self._timeline(shipment),
            [
                (
                    "in_transit",
                    "In Transit to Customer",
                    "CITY, STATE, USA",
                    self._utc(2025, 1, 1, 12, 0),
                ),
                (
                    "in_transit",
                    "In Transit to Customer",
                    "CITY, STATE, USA",
                    self._utc(2025, 1, 2, 10, 0),
                ),
            ],
        )
        self.assertTrue(
            all(
                event_id.startswith("ESTEST00000#")
                for event_id in shipment.milestone_ids.mapped("external_event_id")
            )
        )
        self.assertEqual(shipment.state, "in_transit")
        # Easyship sends the checkpoints again with the next one: nothing new.
        [answer] = self._ingest_into(endpoint, self._raw(EASYSHIP_CHECKPOINTS_CREATED))
        self.assertEqual(answer["result"], "duplicate")

    def test_x12_214(self):
        """Sample: an X12 004010 214 interchange (samples.X12_214_INTERCHANGE)."""
        shipment = self._shipment_with_tracking("PRO123456")
        endpoint = self._preset_endpoint("inbound_profile_x12_214")
        events = self._x12_events(X12_214_INTERCHANGE)
        [answer] = self._ingest_into(endpoint, *events)
        self.assertEqual(answer["result"], "processed", answer)
        self.assertEqual(
            self._timeline(shipment),
            [
                ("picked_up", "AF", "ATLANTA, GA, US", self._utc(2026, 3, 2, 13, 0)),
                ("out_for_delivery", "X6", "CHARLOTTE, NC, US", self._utc(2026, 3, 3, 12, 15)),
            ],
        )
        self.assertEqual(shipment.milestone_ids.mapped("raw_detail"), ["NS", "NS"])
        inbox = self.env["logistics.inbound.event"].search([("endpoint_id", "=", endpoint.id)])
        self.assertEqual(set(inbox.mapped("document_format")), {"x12-214"})
        # The same interchange imported again changes nothing.
        [answer] = self._ingest_into(endpoint, *self._x12_events(X12_214_INTERCHANGE))
        self.assertEqual(answer["result"], "duplicate")
