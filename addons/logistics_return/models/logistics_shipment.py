from odoo import _, api, fields, models

# Code of the exchange type this addon ships (data/logistics_exchange_type_data.xml).
RETURN_EXCHANGE_TYPE = "tms_return_create"


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

    def _tms_document_exchange_type(self):
        """A return travels as a return transport order (logistics.tms.return.handler)."""
        if self.return_of_id:
            return RETURN_EXCHANGE_TYPE
        return super()._tms_document_exchange_type()

    @api.model
    def _tms_document_exchange_types(self):
        return (*super()._tms_document_exchange_types(), RETURN_EXCHANGE_TYPE)

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
