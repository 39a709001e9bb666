import hashlib
import json

from odoo import _, api, models
from odoo.exceptions import UserError

from odoo.addons.logistics_integration import outbound

from ..adapters import ContractError
from .logistics_shipment import CANCEL_EXCHANGE_TYPE, ORDER_EXCHANGE_TYPES

# Parts of the order document per data-ownership domain (logistics.data.ownership):
# when the TMS owns the domain, a change of these parts alone sends no update.
TMS_OWNABLE_PAYLOAD_KEYS = {"planning_reference": ("carrier_preference",)}
# Every handler of a TMS document exchange type inherits it: it prepares the document.
TMS_DOCUMENT_HANDLER = "logistics.tms.order.handler"


class LogisticsTmsExport(models.AbstractModel):
    """Sends shipments' documents to their TMS: preparation by the handler of the
    document's exchange type, validation, change detection, and the outbox.

    The shipment says which document it has now (``_tms_document_exchange_type``)
    and keeps the export state; this service decides whether and what to send,
    and every message of a shipment reaches the outbox through ``_enqueue``.
    """

    _name = "logistics.tms.export"
    _description = "TMS Export"

    @api.model
    def _push(self, shipments):
        """Send each shipment's document to the TMS, or block it with the reason.

        First export (version 1), re-validation of a blocked shipment, and
        changes after export (the next payload version, or a block when the TMS
        does not accept updates). A document that did not change, or changed
        only in parts the TMS owns, is left alone; the document's handler may
        refuse to send it at all (a return is sent once).
        """
        for shipment in shipments:
            if not shipment.picking_id:
                continue
            endpoint = shipment._get_tms_endpoint()
            if not endpoint:
                shipment._tms_without_endpoint()
                continue
            code = shipment._tms_document_exchange_type()
            try:
                handler = self._document_handler(endpoint, code)
            except ContractError as err:
                shipment._tms_block(err.problems, title=_("Exchange type misconfigured"))
                continue
            if not handler._tms_accepts(shipment):
                continue
            try:
                document = handler._tms_prepare(shipment, endpoint, shipment.export_version + 1)
            except ContractError as err:
                shipment._tms_block(err.problems, title=handler._tms_block_title())
                continue
            fingerprint = self._fingerprint(document.payload)
            if fingerprint == shipment.export_fingerprint:
                if shipment.export_state == "blocked":
                    shipment._tms_unblock(
                        "exported"
                        if shipment.export_sent_version >= shipment.export_version
                        else "queued"
                    )
                continue
            if self._changed_only_tms_owned(shipment, document.payload):
                continue
            if shipment.export_sent_version and not endpoint.accepts_updates:
                shipment._tms_block(
                    [
                        _(
                            "the order changed after it was sent, and %(tms)s does not "
                            "accept updates: change it in the TMS or revert the change",
                            tms=endpoint.name,
                        )
                    ],
                    title=_("Update refused"),
                )
                continue
            self._queue(shipment, endpoint, code, document, fingerprint)

    @api.model
    def _withdraw(self, shipments, reason=None):
        """Withdraw each shipment's document from the TMS, if it was ever sent."""
        for shipment in shipments:
            if shipment.export_state in ("cancelled", "not_exported"):
                continue
            self._cancel_pending(shipment)
            endpoint = shipment._get_tms_endpoint()
            if not shipment.export_sent_version or not endpoint:
                shipment._tms_unblock("cancelled")
                continue
            try:
                handler = self._document_handler(endpoint, CANCEL_EXCHANGE_TYPE)
            except ContractError as err:
                raise UserError(err.problems[0]) from err
            document = handler._tms_prepare(
                shipment, endpoint, shipment.export_version, reason=reason
            )
            self._enqueue(shipment, endpoint, CANCEL_EXCHANGE_TYPE, document)
            shipment._tms_unblock("cancelled")

    @api.model
    def _document_handler(self, endpoint, code):
        """The handler that prepares ``code``'s documents for ``endpoint``; a
        ContractError when its exchange type names a handler that cannot (an
        administrator's edit, or its addon was uninstalled)."""
        exchange_type = endpoint._get_exchange_type(code)
        handler = exchange_type._get_handler()
        if not isinstance(handler, self.env.registry[TMS_DOCUMENT_HANDLER]):
            raise ContractError(
                [
                    _(
                        "exchange type %(code)s of %(endpoint)s names the handler %(handler)s, "
                        "which does not prepare TMS documents: set a TMS handler on it",
                        code=exchange_type.code,
                        endpoint=endpoint.name,
                        handler=handler._name,
                    )
                ]
            )
        return handler

    @api.model
    def _changed_only_tms_owned(self, shipment, payload):
        """Whether ``payload`` differs from the order the TMS holds only in parts it
        owns itself, e.g. the carrier it assigned (the data-ownership rows say which)."""
        if not shipment.export_sent_version:
            return False
        ownership = self.env["logistics.data.ownership"].with_company(shipment.company_id)
        owned_keys = {
            key
            for domain, keys in TMS_OWNABLE_PAYLOAD_KEYS.items()
            if ownership._get_owner(domain).system_of_record == "tms"
            for key in keys
        }
        last = shipment._tms_messages(ORDER_EXCHANGE_TYPES)[:1]
        if not owned_keys or not last or last.payload_version != shipment.export_version:
            return False

        def odoo_owned(document):
            return {key: value for key, value in document.items() if key not in owned_keys}

        return self._fingerprint(odoo_owned(json.loads(last.payload))) == self._fingerprint(
            odoo_owned(payload)
        )

    @api.model
    def _fingerprint(self, payload):
        """Hash of ``payload`` without its version, to notice changes."""
        content = {k: v for k, v in payload.items() if k != "payload_version"}
        return hashlib.sha256(outbound.dumps(content).encode("utf-8")).hexdigest()

    @api.model
    def _queue(self, shipment, endpoint, code, document, fingerprint):
        """Queue ``document`` as the shipment's current one, replacing a pending one."""
        self._cancel_pending(shipment)
        message = self._enqueue(shipment, endpoint, code, document)
        shipment.write(
            {
                "tms_endpoint_id": endpoint.id,
                "export_version": document.payload_version,
                "export_fingerprint": fingerprint,
            }
        )
        shipment._tms_unblock("queued")
        return message

    @api.model
    def _cancel_pending(self, shipment):
        """Cancel the shipment's documents still waiting in the outbox."""
        shipment._tms_messages(shipment._tms_document_exchange_types()).filtered(
            lambda m: m.state == "pending"
        )._cancel()

    @api.model
    def _enqueue(self, shipment, endpoint, code, document):
        """Put ``document`` (a ``TmsDocument``) of ``shipment`` in the outbox of
        ``endpoint`` under the exchange type ``code``: the one way a shipment's
        messages reach the TMS."""
        shipment.ensure_one()
        return self.env["logistics.outbound.message"]._enqueue(
            endpoint,
            code,
            shipment,
            document.payload,
            document.path,
            http_method=document.http_method,
            payload_version=document.payload_version,
            schema_version=document.schema_label,
            description=document.description,
        )
