from odoo import _, api, fields, models

from odoo.addons.logistics_tms_export.models.logistics_shipment import (
    CANCEL_OPERATION,
    ORDER_OPERATIONS,
)
from odoo.addons.logistics_tms_export.profiles import ContractError

# Code of the exchange type this addon ships (data/logistics_interface_data.xml).
RETURN_OPERATION = "tms_return_create"


class LogisticsShipment(models.Model):
    """A return shipment carries the return picking of a delivery back from the
    customer; it is a shipment like any other (milestones, customer updates,
    correlation id of the order) whose TMS document is a return order."""

    _inherit = "logistics.shipment"

    return_of_id = fields.Many2one(
        comodel_name="logistics.shipment",
        readonly=True,
        index="btree_not_null",
        check_company=True,
        ondelete="restrict",
        help="The delivered shipment whose goods this return brings back.",
    )
    return_ids = fields.One2many(
        comodel_name="logistics.shipment", inverse_name="return_of_id", string="Returns"
    )
    return_count = fields.Integer(compute="_compute_return_count")

    @api.depends("return_ids")
    def _compute_return_count(self):
        for shipment in self:
            shipment.return_count = len(shipment.return_ids)

    def action_view_returns(self):
        self.ensure_one()
        return self.return_ids._get_open_action()

    def action_view_return_of(self):
        self.ensure_one()
        return self.return_of_id._get_open_action()

    @api.model
    def _prepare_tms_shipment_vals(self, picking):
        vals = super()._prepare_tms_shipment_vals(picking)
        # Only goods coming back make a return; stock's replacement of a return
        # (an outgoing picking whose return_id is the return) is a new delivery.
        original = picking.return_id.logistics_shipment_ids[:1]
        if original and picking.picking_type_code == "incoming":
            vals["return_of_id"] = original.id
        return vals

    def _tms_push(self):
        returns = self.filtered("return_of_id")
        res = super(LogisticsShipment, self - returns)._tms_push()
        returns._tms_send_return()
        return res

    def _tms_messages(self, operations=(*ORDER_OPERATIONS, CANCEL_OPERATION, RETURN_OPERATION)):
        return super()._tms_messages(operations)

    def _tms_send_return(self):
        """Send each return to the TMS once (payload version 1), or block it with the reasons.

        tms-return v1 has no update: a return already queued or sent is left as
        it is (the TMS is told of changes by its planners), and withdrawn when
        its picking is cancelled. A blocked return is re-validated by the same
        changes that re-validate orders.
        """
        for shipment in self.sudo():
            if shipment.export_state not in ("not_exported", "blocked"):
                continue
            endpoint = shipment._get_tms_endpoint()
            if not endpoint:
                shipment._tms_without_endpoint()
                continue
            profile = endpoint._get_tms_profile()
            try:
                payload = profile._build_return_payload(shipment)
            except ContractError as err:
                shipment._tms_block(err.problems, title=_("Return not sent to the TMS"))
                continue
            self.env["logistics.outbound.message"]._enqueue(
                endpoint,
                RETURN_OPERATION,
                shipment,
                payload,
                profile._return_path(shipment),
                payload_version=payload["payload_version"],
                schema_version=profile._return_schema_label(),
                description=_(
                    "Return %(shipment)s of %(original)s in %(tms)s",
                    shipment=shipment.name,
                    original=shipment.return_of_id.name,
                    tms=endpoint.name,
                ),
            )
            shipment.write(
                {
                    "tms_endpoint_id": endpoint.id,
                    "export_version": payload["payload_version"],
                    "export_fingerprint": self._tms_fingerprint(payload),
                }
            )
            shipment._tms_unblock("queued")

    def _on_return_completed(self, milestone):
        """Tell the original shipment that its goods are back; the credit note or the
        replacement stays with Odoo's own flows (the return picking, the sale order)."""
        self.ensure_one()
        self.return_of_id.sudo().message_post(
            body=_(
                "Return %(shipment)s is back at the warehouse (%(when)s).",
                shipment=self.name,
                when=fields.Datetime.to_string(milestone.event_time),
            )
        )
