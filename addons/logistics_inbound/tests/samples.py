"""Sample documents of public formats, with where each comes from."""

# EasyPost, "Sample Webhook JSON" on https://www.easypost.com/tracking-webhooks
# (a tracker.updated Event), copied as published from its start up to and
# including the "datetime" of the second tracking detail ("ORIGIN SCAN"). The
# copy of the page consulted ends there, so everything after it is completed
# here and is not from the page: that detail's tracking_location (city SOUTH SAN
# FRANCISCO, state CA, country US, zip 94080) and the closing brackets. Whatever
# the page has after that point (further tracking details, further Tracker
# fields) is left out.
EASYPOST_TRACKER_UPDATED = {
    "id": "evt_qatAiJDM",
    "object": "Event",
    "created_at": "2014-11-19T10:51:54Z",
    "updated_at": "2014-11-19T10:51:54Z",
    "description": "tracker.updated",
    "mode": "test",
    "previous_attributes": {"status": "unknown"},
    "pending_urls": [],
    "completed_urls": [],
    "result": {
        "id": "trk_Txyy1vaM",
        "object": "Tracker",
        "mode": "test",
        "tracking_code": "EZ4000000004",
        "status": "delivered",
        "created_at": "2014-11-18T10:51:54Z",
        "updated_at": "2014-11-18T10:51:54Z",
        "signed_by": "John Tester",
        "weight": 17.6,
        "est_delivery_date": "2014-08-27T00:00:00Z",
        "shipment_id": None,
        "carrier": "UPS",
        "public_url": "https://track.easypost.com/djE7...",
        "tracking_details": [
            {
                "object": "TrackingDetail",
                "message": "BILLING INFORMATION RECEIVED",
                "status": "pre_transit",
                "datetime": "2014-08-21T14:24:00Z",
                "tracking_location": {
                    "object": "TrackingLocation",
                    "city": None,
                    "state": None,
                    "country": None,
                    "zip": None,
                },
            },
            {
                "object": "TrackingDetail",
                "message": "ORIGIN SCAN",
                "status": "in_transit",
                "datetime": "2014-08-21T14:48:00Z",
                "tracking_location": {
                    "object": "TrackingLocation",
                    "city": "SOUTH SAN FRANCISCO",
                    "state": "CA",
                    "country": "US",
                    "zip": "94080",
                },
            },
        ],
    },
}

# Shippo, reconstructed from the WebhookPayloadTrack example of Shippo's SDK
# documentation (github.com/goshippo/shippo-javascript-sdk, docs/models/components/
# webhookpayloadtrack.md; compared with commit 2a47f5f6b5ae63e34365545eee321051e7c8f8b7).
# Changed from that example:
# - field names in the API's snake_case wire form (addressFrom -> address_from, ...),
#   its JavaScript Date values as ISO 8601 strings;
# - "event": "track_updated" and "test": true added: both fields are listed in the
#   same page's field table (track_updated is a value of its WebhookEventTypeEnum);
# - servicelevel.parentServicelevel left out;
# - tracking_status: objectId "<id>" given the value below; object_created,
#   object_updated and substatus.action_required (true there) differ: they are the
#   SDK's generated example values, which change between SDK versions;
# - tracking_history is empty in the example; its one entry here is made for this
#   sample, a copy of tracking_status with its own object_created/object_updated,
#   so that the preset (which reads tracking_history[*]) has an update to map.
SHIPPO_TRACK_UPDATED = {
    "event": "track_updated",
    "test": True,
    "data": {
        "address_from": {"city": "Las Vegas", "country": "US", "state": "NV", "zip": "89101"},
        "address_to": {"city": "Las Vegas", "country": "US", "state": "NV", "zip": "89101"},
        "carrier": "usps",
        "messages": [],
        "metadata": "Order 000123",
        "original_eta": "2021-07-23T00:00:00Z",
        "servicelevel": {"name": "Priority Mail Express", "token": "usps_priority_express"},
        "tracking_history": [
            {
                "location": {"city": "Las Vegas", "country": "US", "state": "NV", "zip": "89101"},
                "object_created": "2022-08-08T04:42:30.927Z",
                "object_id": "a1e1b1c0d2f34f0c9d1c8a5e3b2f7c11",
                "object_updated": "2022-01-21T07:11:50.213Z",
                "status": "DELIVERED",
                "substatus": {
                    "code": "information_received",
                    "text": "Information about the package received.",
                    "action_required": False,
                },
                "status_date": "2016-07-23T00:00:00Z",
                "status_details": "Your shipment has been delivered at the destination mailbox.",
            }
        ],
        "tracking_number": "9205590164917312751089",
        "tracking_status": {
            "location": {"city": "Las Vegas", "country": "US", "state": "NV", "zip": "89101"},
            "object_created": "2024-05-19T21:25:27.801Z",
            "object_id": "a1e1b1c0d2f34f0c9d1c8a5e3b2f7c11",
            "object_updated": "2022-09-03T10:06:53.981Z",
            "status": "DELIVERED",
            "substatus": {
                "code": "information_received",
                "text": "Information about the package received.",
                "action_required": False,
            },
            "status_date": "2016-07-23T00:00:00Z",
            "status_details": "Your shipment has been delivered at the destination mailbox.",
        },
    },
}

# AfterShip, a tracking_update webhook built here, not copied from a published
# sample: its top-level fields are those the webhook specification lists
# (https://www.aftership.com/docs/tracking/2025-01/webhook/webhook-specifications:
# ts, event, event_id, is_tracking_first_tag, msg), msg a tracking with checkpoints
# named as the Tracking and Checkpoint models describe them
# (https://www.aftership.com/docs/tracking/model/checkpoint). Every value (ids,
# tracking number, order id, cities, times) is made up for this sample. The
# checkpoint's country field is "country_region", its name since API version 2024-07
# (aftership-tracking-sdk 10.0.0; "country_iso3" before).
AFTERSHIP_TRACKING_UPDATE = {
    "ts": 1772550000,
    "event": "tracking_update",
    "event_id": "3f1a6d8e-2a4b-4c1e-9a57-0b7c7e1d2f43",
    "is_tracking_first_tag": True,
    "msg": {
        "id": "5b74f4958776db0e00b6f5ed",
        "tracking_number": "1Z9999W99999999999",
        "slug": "ups",
        "tag": "OutForDelivery",
        "subtag": "OutForDelivery_001",
        "order_id": "PO-7788",
        "checkpoints": [
            {
                "slug": "ups",
                "city": "Louisville",
                "state": "KY",
                "country_region": "USA",
                "location": "Louisville, KY, USA",
                "message": "Departed from facility",
                "tag": "InTransit",
                "subtag": "InTransit_001",
                "checkpoint_time": "2026-03-02T22:15:00-05:00",
            },
            {
                "slug": "ups",
                "city": "Atlanta",
                "state": "GA",
                "country_region": "USA",
                "location": "Atlanta, GA, USA",
                "message": "Out for delivery",
                "tag": "OutForDelivery",
                "subtag": "OutForDelivery_001",
                "checkpoint_time": "2026-03-03T07:40:00-05:00",
            },
        ],
    },
}

# Easyship, the shipment.tracking.checkpoints.created payload published in the API
# reference for version 2024.09
# (https://developers.easyship.com/reference-link/shipmenttrackingcheckpointscreated),
# copied as published except for one cut: the stored copy of that page breaks off in
# the third checkpoint (order_number 112, after "hand"), so that checkpoint is left
# out and only the closing brackets of "checkpoints", "data" and the document are
# added. The first two checkpoints and every other field are unchanged.
EASYSHIP_CHECKPOINTS_CREATED = {
    "event_type": "shipment.tracking.checkpoints.created",
    "resource_type": "shipment",
    "resource_id": "ESTEST00000",
    "data": {
        "easyship_shipment_id": "ESTEST00000",
        "platform_order_number": "#100001",
        "origin": "US",
        "destination": "CA",
        "company_order_number": "#100001",
        "status": "Delivered",
        "tracking_number": "12345",
        "tracking_page_url": "https://www.trackmyshipment.co/shipment-tracking/ESTEST00000",
        "checkpoints": [
            {
                "order_number": 102,
                "handler": "Usps",
                "message": "Arrived at Regional Facility",
                "location": "CITY, STATE, 12345, USA",
                "city": "CITY",
                "country_name": "United States",
                "country_iso3": "USA",
                "state": "STATE",
                "postal_code": "12345",
                "checkpoint_time": "2025-01-01T12:00:00.000Z",
                "primary_status": "In Transit to Customer",
            },
            {
                "order_number": 109,
                "handler": "Usps",
                "message": "Arrived at Post Office",
                "location": "CITY, STATE, 12345, USA",
                "city": "CITY",
                "country_name": "United States",
                "country_iso3": "USA",
                "state": "STATE",
                "postal_code": "12345",
                "checkpoint_time": "2025-01-02T10:00:00.000Z",
                "primary_status": "In Transit to Customer",
            },
        ],
    },
}

# An X12 004010 214 interchange built here to the standard's layout (ISA/GS/ST
# envelopes; B10, L11, LX loops with AT7, MS1, MS2), not copied from a published
# file; every value is made up: carrier ABCD reports PRO123456 picked up in
# Atlanta and en route to delivery in Charlotte.
X12_214_INTERCHANGE = (
    "ISA*00*          *00*          *02*ABCD           *ZZ*LGXODOO        *260303*0900*U*00401*"
    "000000101*0*P*>~\n"
    "GS*QM*ABCD*LGXODOO*20260303*0900*101*X*004010~\n"
    "ST*214*0001~\n"
    "B10*PRO123456*SHP-REF-1*ABCD~\n"
    "L11*PO-7788*PO~\n"
    "LX*1~\n"
    "AT7*AF*NS***20260302*0800*ET~\n"
    "MS1*ATLANTA*GA*US~\n"
    "MS2*ABCD*TRAILER1~\n"
    "LX*2~\n"
    "AT7*X6*NS***20260303*0715*ET~\n"
    "MS1*CHARLOTTE*NC*US~\n"
    "SE*11*0001~\n"
    "GE*1*101~\n"
    "IEA*1*000000101~\n"
)

# Documents made up for the onboarding assistant's tests, in shapes no preset covers
# (every name and value invented here).
# A carrier's scan webhook: the tracking number outside the list of scans, each scan with
# its own numeric id, an epoch-milliseconds time and a place of town, region and
# country code.
NESTED_SCANS = {
    "shipment": {"trackingNo": "NXS-4471-0093", "service": "express"},
    "scans": [
        {
            "scanId": 17,
            "code": "DLV",
            "ts": 1733500000000,
            "place": {"town": "Ghent", "region": "VOV", "cc": "BE"},
        }
    ],
}
# One update per document, no list: a notification id, a waybill, epoch seconds.
FLAT_NOTIFICATION = {
    "notification": {
        "uuid": "6d1f0c2a-93b4-4a8e-b1de-2f5c7a9e0d41",
        "sentAt": "2026-03-02T10:15:04+01:00",
    },
    "consignment": {"waybill": "WB99120034", "reference": "PO-55", "pieces": 2},
    "event": {
        "statusCode": "OFD",
        "statusText": "Out for delivery",
        "occurredAt": 1772443800,
        "location": {"city": "Lyon", "postcode": "69002", "countryCode": "FR"},
    },
}
# A JSON array of updates, each repeating the air waybill, none with an id.
EVENT_ARRAY = [
    {
        "awb": "123456789012",
        "eventCode": "PU",
        "eventTime": "2026-03-01T08:00:00Z",
        "station": {"city": "Memphis", "stateCode": "TN", "country": "US"},
    },
    {
        "awb": "123456789012",
        "eventCode": "AR",
        "eventTime": "2026-03-01T20:00:00Z",
        "station": {"city": "Paris", "country": "FR"},
    },
]
