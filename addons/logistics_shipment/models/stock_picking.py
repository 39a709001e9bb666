from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare


class StockPicking(models.Model):
    _inherit = "stock.picking"

    logistics_shipment_ids = fields.One2many(
        comodel_name="logistics.shipment", inverse_name="picking_id", string="Shipments"
    )
    logistics_shipment_count = fields.Integer(compute="_compute_logistics_shipment_count")

    def _compute_logistics_shipment_count(self):
        for picking in self:
            picking.logistics_shipment_count = len(picking.logistics_shipment_ids)

    def action_view_logistics_shipments(self):
        self.ensure_one()
        return self.logistics_shipment_ids._get_open_action()

    def _logistics_validate_delivered(self, delivered_at):
        """Validate this delivery because its shipment was delivered at ``delivered_at``;
        return why not, or None.

        Runs as superuser in the picking's company: the carrier's report is the
        authority, whoever forwarded it, so the goods left at the carrier's
        delivery time, not when Odoo heard of it.
        """
        self.ensure_one()
        picking = self.sudo().with_company(self.company_id)
        short = picking.move_ids.filtered(
            lambda m: (
                m.state != "cancel"
                and float_compare(
                    m.quantity, m.product_uom_qty, precision_rounding=m.product_uom.rounding
                )
                < 0
            )
        )
        if picking.state != "assigned" or short:
            return _(
                "not every quantity is reserved (status %(state)s); validate it in "
                "Inventory and choose what happens to the rest.",
                state=dict(picking._fields["state"]._description_selection(self.env)).get(
                    picking.state
                ),
            )
        try:
            with self.env.cr.savepoint():
                picking.move_ids.picked = True
                result = picking.with_context(skip_sms=True).button_validate()
        except UserError as err:
            return str(err)
        if result is not True:
            return _("Odoo asks a question before validating it; validate it in Inventory.")
        picking._logistics_date_done(delivered_at)
        return None

    def _logistics_date_done(self, done_at):
        """Date this done transfer, its moves and move lines at ``done_at``."""
        self.ensure_one()
        moves = self.move_ids.filtered(lambda m: m.state == "done")
        self.date_done = done_at
        moves.date = done_at
        moves.move_line_ids.date = done_at
