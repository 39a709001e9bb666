from odoo import _, fields, models
from odoo.exceptions import UserError


class LogisticsTmsReplay(models.TransientModel):
    """Why a closed shipment is sent to the TMS again: nothing is sent without a reason."""

    _name = "logistics.tms.replay"
    _description = "Replay a Closed Shipment to the TMS"

    shipment_id = fields.Many2one(
        comodel_name="logistics.shipment", required=True, readonly=True, ondelete="cascade"
    )
    shipment_state = fields.Selection(related="shipment_id.state", string="Shipment Status")
    reason = fields.Text(
        required=True,
        help="Why the TMS must hear of this shipment again; kept in its chatter, on the "
        "message, its job and the integration log.",
    )

    def action_confirm(self):
        self.ensure_one()
        if not (self.reason or "").strip():
            raise UserError(_("Say why the shipment is sent to the TMS again."))
        self.shipment_id.action_tms_replay(reason=self.reason.strip())
        return {"type": "ir.actions.act_window_close"}
