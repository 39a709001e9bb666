from collections import defaultdict
from datetime import timedelta
from unittest.mock import patch

from odoo.models import BaseModel

from .common import T0, LogisticsTmsInboundCase


class TestConcurrentLanes(LogisticsTmsInboundCase):
    """The bridge's lanes ingest side by side, never two events of one shipment. A call
    that wrote a record its events do not own (the endpoint, the customer, the bridge
    user, a counter, another shipment's job...) would make two lanes' transactions
    conflict, and Odoo retry one of them after a random sleep of up to seconds."""

    def _lifecycle(self, reference):
        """A shipment's callbacks, each touching what ingestion extends: planning data,
        the customer's e-mail job, the route, proof of delivery, freight charges."""
        currency = self.env.company.currency_id.name
        steps = [
            {"status_code": "AF", "planning_reference": reference, "eta": "P"},
            {"status_code": "P1", "tracking_number": f"TRK-{reference}"},
            {"status_code": "X4", "eta": "P"},
            {"status_code": "X6"},
            {"status_code": "D1"},
        ]
        events = []
        for step, payload in enumerate(steps):
            if payload.get("eta"):
                payload["eta"] = (T0 + timedelta(days=2)).isoformat()
            events.append(
                self._event(reference=reference, occurred_at=T0 + timedelta(hours=step), **payload)
            )
        events.append(
            self._event(
                event_type="pod",
                reference=reference,
                occurred_at=T0 + timedelta(hours=5),
                pod={"signed_by": "J. Doe", "signed_at": T0.isoformat()},
            )
        )
        events.append(
            self._event(
                event_type="charges",
                reference=reference,
                occurred_at=T0 + timedelta(hours=6),
                charges=[
                    {
                        "external_id": f"{reference}-base",
                        "charge_type": "base_freight",
                        "amount": 120,
                        "currency": currency,
                    }
                ],
            )
        )
        return events

    def test_each_call_writes_only_its_shipment_and_what_its_shipment_created(self):
        """Two shipments of one customer, their callbacks interleaved one call each as the
        lanes send them: no call writes or deletes a record its own shipment did not
        create, but for that shipment itself."""
        second = self._create_shipment(tms_reference="TMS-2000", user_id=self.logistics_user.id)
        # A customer's first notification records its signup type, once in its life (see
        # res.partner.signup_prepare); the calls of a customer known for long are checked.
        self.customer.signup_prepare()
        shipments = {"TMS-1000": self.shipment, "TMS-2000": second}
        self.env.flush_all()
        created = defaultdict(set)
        touched = defaultdict(set)
        create, write_multi, unlink = BaseModel._create, BaseModel._write_multi, BaseModel.unlink

        def spy_create(records, data_list):
            result = create(records, data_list)
            created[result._name].update(result.ids)
            return result

        def spy_write_multi(records, vals_list):
            touched[records._name].update(records.ids)
            return write_multi(records, vals_list)

        def spy_unlink(records):
            touched[records._name].update(records.ids)
            return unlink(records)

        owned = {reference: defaultdict(set) for reference in shipments}
        calls = list(zip(self._lifecycle("TMS-1000"), self._lifecycle("TMS-2000"), strict=True))
        with (
            patch.object(BaseModel, "_create", spy_create),
            patch.object(BaseModel, "_write_multi", spy_write_multi),
            patch.object(BaseModel, "unlink", spy_unlink),
        ):
            for pair in calls:
                for event in pair:
                    reference = event["shipment_reference"]
                    created.clear()
                    touched.clear()
                    [answer] = self._ingest(event)
                    self.assertEqual(answer["result"], "processed", answer["reason"])
                    self.env.flush_all()
                    mine = owned[reference]
                    for model, ids in created.items():
                        mine[model] |= ids
                    others = {model: ids - mine[model] for model, ids in touched.items()}
                    others["logistics.shipment"] = others.get("logistics.shipment", set()) - set(
                        shipments[reference].ids
                    )
                    self.assertFalse(
                        {model: sorted(ids) for model, ids in others.items() if ids},
                        f"{event['event_type']} {event['payload']} of {reference} wrote "
                        "records it does not own",
                    )
        self.assertEqual({s.state for s in shipments.values()}, {"delivered"})
