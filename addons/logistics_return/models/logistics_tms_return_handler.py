from odoo import _, api, models

from odoo.addons.logistics_tms_export.adapters import TmsDocument


class LogisticsTmsReturnHandler(models.AbstractModel):
    """Return transport orders (exchange type tms_return_create).

    A return is sent once (payload version 1): tms-return v1 has no update, so
    a return already queued or sent is left as it is (the TMS is told of
    changes by its planners), and withdrawn when its picking is cancelled. A
    blocked return is re-validated by the same changes that re-validate orders.
    Its outcomes are those of a new order: the TMS answer gives the return
    shipment its planning reference and *planned* milestone, a 409 the adapter
    reads as "order exists" (a replayed create) counts as taken, and a failure
    makes the return shipment *export failed* with an activity for the
    endpoint's owner.
    """

    _name = "logistics.tms.return.handler"
    _inherit = "logistics.tms.order.create.handler"
    _description = "TMS Return Order Exchange Handler"

    @api.model
    def _tms_accepts(self, shipment):
        return shipment.export_state in ("not_exported", "blocked")

    @api.model
    def _tms_block_title(self):
        return _("Return not sent to the TMS")

    @api.model
    def _tms_prepare(self, shipment, endpoint, payload_version, reason=None):
        adapter = endpoint._get_tms_adapter()
        payload = adapter._build_return_payload(shipment, payload_version=payload_version)
        return TmsDocument(
            payload=payload,
            path=adapter._return_path(shipment),
            payload_version=payload["payload_version"],
            schema_label=adapter._return_schema_label(),
            description=_(
                "Return %(shipment)s of %(original)s in %(tms)s",
                shipment=shipment.name,
                original=shipment.return_of_id.name,
                tms=endpoint.name,
            ),
        )
