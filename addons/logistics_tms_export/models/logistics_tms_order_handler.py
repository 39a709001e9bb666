from odoo import _, api, fields, models

from ..adapters import ResponseError, TmsDocument
from .logistics_shipment import ORDER_EXCHANGE_TYPES

FAILED_ACTIVITY = "logistics_tms_export.mail_activity_type_tms_failed"


class LogisticsTmsOrderHandler(models.AbstractModel):
    """Order updates sent to a TMS (exchange type tms_order_update), and what every
    TMS document handler shares.

    A TMS handler prepares the document its exchange type carries (the shipment
    decides when, see ``logistics.shipment._tms_push``) and reads the outcome:
    the shipment records what the TMS planned, or becomes *export failed* with
    an activity. A 409 on an update is a real conflict.
    """

    _name = "logistics.tms.order.handler"
    _inherit = "logistics.exchange.handler"
    _description = "TMS Order Exchange Handler"

    # ------------------------------------------------------------------
    # The document
    # ------------------------------------------------------------------

    @api.model
    def _tms_accepts(self, shipment):
        """Whether ``shipment`` sends this document now: an order follows every change."""
        return True

    @api.model
    def _tms_block_title(self):
        """The title of the activity asking to fix a shipment this document refuses."""
        return _("Not sent to the TMS")

    @api.model
    def _tms_prepare(self, shipment, endpoint, payload_version, reason=None):
        """The document of ``shipment`` for the TMS ``endpoint``, in ``payload_version``
        (``reason``: why, for a withdrawal); raises ContractError listing every problem."""
        adapter = endpoint._get_tms_adapter()
        path, http_method, action = self._tms_order_request(adapter, shipment)
        return TmsDocument(
            payload=adapter._build_order_payload(shipment, payload_version=payload_version),
            path=path,
            http_method=http_method,
            payload_version=payload_version,
            schema_label=adapter._schema_label(),
            description=_(
                "%(action)s %(shipment)s v%(version)s in %(tms)s",
                action=action,
                shipment=shipment.name,
                version=payload_version,
                tms=endpoint.name,
            ),
        )

    @api.model
    def _tms_order_request(self, adapter, shipment):
        """Path, HTTP method and the action the outbox names for this order document."""
        return adapter._update_path(shipment), "PUT", _("Update")

    # ------------------------------------------------------------------
    # The outcome
    # ------------------------------------------------------------------

    @api.model
    def _get_shipment(self, message):
        """The shipment ``message`` is about, or None (a message about something else)."""
        record = message._get_related_record()
        return record if record and record._name == "logistics.shipment" else None

    @api.model
    def _on_success(self, message, response_json):
        shipment = self._get_shipment(message)
        if not shipment:
            return super()._on_success(message, response_json)
        self._tms_record_planning(shipment, message, response_json)
        return True

    @api.model
    def _on_failure(self, message, error):
        """The TMS refused the document for good, or never answered: a person must act."""
        shipment = self._get_shipment(message)
        if not shipment:
            return super()._on_failure(message, error)
        if (
            message.exchange_type_code in ORDER_EXCHANGE_TYPES
            and message.payload_version < shipment.export_version
        ):
            return True  # a newer version is on its way; this one no longer matters
        shipment.write({"export_state": "export_failed"})
        endpoint = message.endpoint_id
        shipment.activity_unlink([FAILED_ACTIVITY])
        shipment.activity_schedule(
            FAILED_ACTIVITY,
            summary=_(
                "%(tms)s: %(exchange_type)s failed",
                tms=endpoint.name,
                exchange_type=message.exchange_type_code,
            ),
            note=_(
                "Message %(key)s (payload version %(version)s) failed: %(error)s",
                key=message.idempotency_key,
                version=message.payload_version,
                error=error,
            ),
            user_id=endpoint._get_failure_assignee(shipment).id,
        )
        return True

    @api.model
    def _conflict_is_success(self, message, body):
        return False

    @api.model
    def _tms_record_planning(self, shipment, message, response_json):
        """The TMS took the document: record on ``shipment`` what it planned.

        Runs in the export job for every shipment, so field tracking is off:
        the outbound message, its attempt log and the milestone timeline are the
        history.
        """
        shipment = shipment.with_context(tracking_disable=True)
        adapter = message.endpoint_id._get_tms_adapter()
        try:
            planning = adapter._parse_order_response(response_json)
        except ResponseError as err:
            self._on_failure(
                message, _("The TMS accepted the order but its answer is unreadable: %s", err)
            )
            return
        vals = {
            "tms_reference": planning.reference,
            "export_sent_version": max(shipment.export_sent_version, message.payload_version),
        }
        if planning.estimated_delivery:
            vals["estimated_date"] = planning.estimated_delivery
        if (
            message.payload_version >= shipment.export_version
            and shipment.export_state != "cancelled"
        ):
            vals["export_state"] = "exported"
        carrier_note = self._tms_map_carrier(shipment, planning, vals)
        recovered = shipment.export_state == "export_failed"
        shipment.write(vals)
        if recovered:
            shipment.activity_unlink([FAILED_ACTIVITY])
        if carrier_note:
            shipment.message_post(body=carrier_note)
        self._tms_record_milestone(
            shipment, message, "shipment_planned", f"tms-order:{planning.reference}"
        )
        # Recompute the derived transport state here, without tracking, rather
        # than in queue_job's final flush (which would track it in the chatter).
        self.env.flush_all()

    @api.model
    def _tms_acknowledge_by_planning(self, shipments):
        """The TMS reported the planning reference of ``shipments`` in a callback, but
        Odoo never read its answer to their order (timed out, or failed for good after
        the TMS took it): the planning callback is the acknowledgement.

        The shipment becomes exported and the planned milestone is recorded under the
        answer's own event id (``tms-order:<reference>``), so an answer read later (a
        retry, a replay) adds nothing."""
        for shipment in shipments.with_context(tracking_disable=True):
            message = shipment._tms_messages(shipment._tms_document_exchange_types()).filtered(
                lambda m: m.state != "cancelled"
            )[:1]
            if not message:
                continue
            vals = {
                "export_sent_version": max(shipment.export_sent_version, message.payload_version)
            }
            if message.payload_version >= shipment.export_version:
                vals["export_state"] = "exported"
            shipment.write(vals)
            shipment.activity_unlink([FAILED_ACTIVITY])
            self._tms_record_milestone(
                shipment, message, "shipment_planned", f"tms-order:{shipment.tms_reference}"
            )
            shipment.message_post(
                body=_(
                    "The TMS reported planning reference %(reference)s: taken as its "
                    "acknowledgement of %(key)s, whose answer was lost.",
                    reference=shipment.tms_reference,
                    key=message.idempotency_key,
                )
            )

    @api.model
    def _tms_map_carrier(self, shipment, planning, vals):
        """Put the carrier the TMS assigned into ``vals``; return a note if none matches."""
        names = [name for name in (planning.carrier_code, planning.carrier_name) if name]
        if not names:
            return None
        resolved = shipment.env["delivery.carrier"]._logistics_resolve(
            names, shipment._get_tms_endpoint()
        )
        carrier = next((resolved[name] for name in names if name in resolved), None)
        if carrier:
            vals["carrier_id"] = carrier.id
            return None
        return _(
            "The TMS assigned carrier %(name)s (code %(code)s), which matches no delivery method.",
            name=planning.carrier_name or "-",
            code=planning.carrier_code or "-",
        )

    @api.model
    def _tms_record_milestone(self, shipment, message, code, external_event_id):
        """Record on ``shipment`` a milestone reported by the TMS exchange, once."""
        milestone_model = shipment.env["logistics.milestone"].sudo()
        domain = [
            ("endpoint_id", "=", message.endpoint_id.id),
            ("external_event_id", "=", external_event_id),
        ]
        if milestone_model.search_count(domain, limit=1):
            return
        # The id from the per-worker cache of external ids (env.ref would query the row).
        event_type_id = self.env["ir.model.data"]._xmlid_to_res_id(
            f"logistics_integration.event_type_{code}", raise_if_not_found=True
        )
        milestone_model.create(
            {
                "shipment_id": shipment.id,
                "event_type_id": event_type_id,
                "event_time": fields.Datetime.now(),
                "endpoint_id": message.endpoint_id.id,
                "external_event_id": external_event_id,
                "raw_code": message.exchange_type_code,
                "note": _("Acknowledged by %s", message.endpoint_id.name),
            }
        )
