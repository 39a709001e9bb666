from odoo import _, api, fields, models, tools

from ..timeline import DRAFT, derive_state

SHIPMENT_STATES = [
    (DRAFT, "Draft"),
    ("shipment_planned", "Planned"),
    ("picked_up", "Picked Up"),
    ("in_transit", "In Transit"),
    ("out_for_delivery", "Out for Delivery"),
    ("available_for_pickup", "At Pickup Point"),
    ("exception", "Exception"),
    ("delivered", "Delivered"),
    ("returned", "Returned"),
    ("cancelled", "Cancelled"),
]


class LogisticsShipment(models.Model):
    """A transport of goods to a customer, followed through its milestones."""

    _name = "logistics.shipment"
    _description = "Shipment"
    _inherit = ["mail.thread", "mail.activity.mixin", "logistics.correlation.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference",
        required=True,
        copy=False,
        readonly=True,
        # B-tree: sources name shipments by reference, a batch of them at a time (``in``);
        # a trigram index served those lookups from its whole pending list, which every
        # state change of a shipment grew.
        index=True,
        default=lambda self: _("New"),
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    sale_order_id = fields.Many2one(
        comodel_name="sale.order", index=True, check_company=True, tracking=True
    )
    picking_id = fields.Many2one(
        comodel_name="stock.picking",
        string="Delivery",
        index=True,
        check_company=True,
        help="The outgoing transfer this shipment carries.",
    )
    picking_ids = fields.Many2many(
        comodel_name="stock.picking",
        compute="_compute_picking_ids",
        string="Transfers",
        help="The outgoing transfer and its backorders.",
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner", string="Ship To", required=True, tracking=True
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True, string="Customer"
    )
    carrier_id = fields.Many2one(comodel_name="delivery.carrier", tracking=True)
    tracking_number = fields.Char(
        related="picking_id.carrier_tracking_ref",
        # Written through to the delivery, where Odoo keeps it, when the TMS reports it.
        readonly=False,
        help="The carrier's tracking number of the delivery.",
    )
    tracking_url = fields.Char(
        string="Tracking Link",
        compute="_compute_tracking_url",
        compute_sudo=True,
        help="Where the customer follows the parcel on the carrier's site: the carrier's "
        "tracking link (Delivery method > Tracking Link) for the tracking number.",
    )
    tms_reference = fields.Char(
        groups="base.group_user",
        string="TMS Planning Reference",
        index=True,
        copy=False,
        tracking=True,
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        tracking=True,
    )
    milestone_ids = fields.One2many(
        comodel_name="logistics.milestone", inverse_name="shipment_id", string="Timeline"
    )
    charge_ids = fields.One2many(
        groups="base.group_user",
        comodel_name="logistics.freight.charge",
        inverse_name="shipment_id",
        string="Freight Charges",
    )
    state = fields.Selection(
        selection=SHIPMENT_STATES,
        # Every state is a kanban column, in lifecycle order, even when empty.
        group_expand=True,
        compute="_compute_state",
        store=True,
        index=True,
        tracking=True,
        help="Derived from the milestones by event time and canonical rank.",
    )
    last_milestone_id = fields.Many2one(
        groups="base.group_user",
        comodel_name="logistics.milestone",
        compute="_compute_state",
        store=True,
    )
    planned_date = fields.Datetime(
        string="Planned Pickup", tracking=True, help="When the goods should leave."
    )
    estimated_date = fields.Datetime(
        string="Estimated Delivery", tracking=True, help="Latest ETA known."
    )
    actual_pickup_date = fields.Datetime(compute="_compute_actual_dates", store=True)
    actual_delivery_date = fields.Datetime(compute="_compute_actual_dates", store=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    expected_freight_amount = fields.Monetary(
        groups="base.group_user", compute="_compute_freight_amounts", store=True
    )
    actual_freight_amount = fields.Monetary(
        groups="base.group_user", compute="_compute_freight_amounts", store=True
    )
    # Internal identifiers stay out of the customer portal.
    correlation_id = fields.Char(groups="base.group_user")

    _sql_constraints = [
        (
            "picking_unique",
            "unique(picking_id)",
            "A delivery is carried by exactly one shipment.",
        ),
        (
            "tms_reference_company_unique",
            "unique(tms_reference, company_id)",
            "A TMS planning reference identifies one shipment per company.",
        ),
    ]

    def init(self):
        result = super().init()
        # The Overview's late-shipments card counts open shipments only: a partial index
        # covers them, whatever the size of the history.
        tools.create_index(
            self.env.cr,
            "logistics_shipment_overview_open_eta_index",
            self._table,
            ["company_id", "estimated_date"],
            where="state NOT IN ('delivered', 'returned', 'cancelled')",
        )
        return result

    @api.depends("picking_id", "picking_id.backorder_ids")
    def _compute_picking_ids(self):
        for shipment in self:
            shipment.picking_ids = shipment.picking_id | shipment.picking_id.backorder_ids

    @api.depends("carrier_id", "picking_id.carrier_id", "picking_id.carrier_tracking_ref")
    def _compute_tracking_url(self):
        """The link Odoo's delivery method gives for the tracking number: the shipment's
        carrier (the one transporting it), else the delivery's."""
        for shipment in self:
            picking = shipment.picking_id
            carrier = shipment.carrier_id or picking.carrier_id
            url = (
                carrier.get_tracking_link(picking)
                if carrier and picking.carrier_tracking_ref
                else False
            )
            # Carriers tracking several parcels answer a JSON list, not one link.
            shipment.tracking_url = (
                url if url and url.startswith(("https://", "http://")) else False
            )

    @api.depends(
        "milestone_ids.event_type_id",
        "milestone_ids.event_time",
        "milestone_ids.event_type_id.category",
        "milestone_ids.event_type_id.rank",
    )
    def _compute_state(self):
        known_states = dict(SHIPMENT_STATES)
        for shipment in self:
            milestones = shipment.milestone_ids.filtered("event_time")
            state = derive_state(milestones._timeline_events())
            shipment.state = state if state in known_states else shipment._closest_state(state)
            shipment.last_milestone_id = milestones.sorted(
                lambda m: (m.event_time, m.id or 0), reverse=True
            )[:1]

    def _closest_state(self, code):
        """State for a custom canonical event: the known state of highest rank below it."""
        event_types = self.env["logistics.event.type"]
        rank = event_types.search([("code", "=", code)], limit=1).rank
        closest = event_types.search(
            [("code", "in", [state for state, _label in SHIPMENT_STATES]), ("rank", "<=", rank)],
            order="rank desc, id desc",
            limit=1,
        )
        return closest.code or DRAFT

    @api.depends("milestone_ids.event_time", "milestone_ids.event_type_id")
    def _compute_actual_dates(self):
        facts = self.milestone_ids._event_facts()
        for shipment in self:
            pickups = shipment.milestone_ids.filtered(lambda m: facts[m.id].code == "picked_up")
            deliveries = shipment.milestone_ids.filtered(lambda m: facts[m.id].code == "delivered")
            shipment.actual_pickup_date = min(pickups.mapped("event_time"), default=False)
            shipment.actual_delivery_date = max(deliveries.mapped("event_time"), default=False)

    @api.depends("charge_ids.expected_amount", "charge_ids.actual_amount")
    def _compute_freight_amounts(self):
        for shipment in self:
            shipment.expected_freight_amount = sum(shipment.charge_ids.mapped("expected_amount"))
            shipment.actual_freight_amount = sum(shipment.charge_ids.mapped("actual_amount"))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", _("New")) == _("New"):
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code(
                    "logistics.shipment"
                ) or _("New")
        shipments = super().create(vals_list)
        # After create: the order may come from a default, not from vals.
        for shipment in shipments.filtered(lambda s: not s.correlation_id):
            shipment.correlation_id = (
                shipment.sale_order_id.logistics_correlation_id or self._new_correlation_id()
            )
        return shipments

    def _validate_deliveries(self):
        """Delivered by the carrier: validate the open delivery orders, so that stock,
        the sale order's delivered quantities and the customer's order page agree.

        Only where Odoo's own flow allows it without a person's choice: every
        quantity reserved, no backorder or lot question. Otherwise the delivery is
        left as it is and the shipment's responsible gets an activity saying why.
        """
        for shipment in self:
            for picking in shipment.picking_ids.filtered(
                lambda p: p.state not in ("done", "cancel")
            ):
                reason = picking._logistics_validate_delivered(shipment.actual_delivery_date)
                if reason:
                    shipment._ask_delivery_validation(picking, reason)

    def _ask_delivery_validation(self, picking, reason):
        self.ensure_one()
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=_("Validate delivery %(picking)s", picking=picking.name),
            note=_(
                "The carrier delivered %(shipment)s, but %(picking)s could not be validated "
                "automatically: %(reason)s",
                shipment=self.name,
                picking=picking.name,
                reason=reason,
            ),
            user_id=(self.user_id or self.env.user).id,
        )

    def _get_open_action(self, context=None):
        """Window action listing these shipments, or opening the only one."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "logistics_shipment.logistics_shipment_action"
        )
        action["domain"] = [("id", "in", self.ids)]
        action["context"] = context or {}
        if len(self) == 1:
            action["views"] = [(False, "form")]
            action["res_id"] = self.id
        return action

    def action_view_sale_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.sale_order_id.id,
            "view_mode": "form",
        }

    def action_view_pickings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action["domain"] = [("id", "in", self.picking_ids.ids)]
        action["context"] = {}
        return action

    def action_view_exchanges(self):
        """Every integration exchange of this shipment's transaction."""
        self.ensure_one()
        return self.env["logistics.integration.log"]._action_for_transaction(self.correlation_id)
