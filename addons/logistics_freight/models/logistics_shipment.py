from odoo import _, api, fields, models, tools

DECISION_ACTIVITY = "logistics_freight.mail_activity_type_freight_decision"
INVOICE_RELEASE_STATES = [
    ("waiting", "Awaiting Charges"),
    ("released", "Released"),
    ("on_hold", "On Hold"),
]


class LogisticsShipment(models.Model):
    _inherit = "logistics.shipment"

    invoice_release_state = fields.Selection(
        groups="base.group_user",
        selection=INVOICE_RELEASE_STATES,
        compute="_compute_invoice_release_state",
        store=True,
        help="Whether the freight of this shipment may be invoiced.",
    )

    def init(self):
        result = super().init()
        # The Overview's held-orders card reads the few shipments on hold of a history.
        tools.create_index(
            self.env.cr,
            "logistics_shipment_overview_hold_index",
            self._table,
            ["company_id", "sale_order_id"],
            where="invoice_release_state = 'on_hold'",
        )
        return result

    @api.depends("charge_ids.state", "charge_ids.has_actual")
    def _compute_invoice_release_state(self):
        for shipment in self:
            states = set(shipment.charge_ids.mapped("state"))
            if states & {"on_hold", "disputed"}:
                shipment.invoice_release_state = "on_hold"
            elif states == {"approved"}:
                shipment.invoice_release_state = "released"
            else:
                shipment.invoice_release_state = "waiting"

    def _get_expected_freight(self, charge_type, currency):
        """What Odoo expects to pay for a charge type, in ``currency``.

        Base freight comes from the sale order's delivery line, or failing that
        from the carrier's rating; nothing else was ordered, so anything else
        is expected at zero.
        """
        self.ensure_one()
        if charge_type != "base_freight":
            return 0.0
        order = self.sale_order_id
        lines = order.order_line.filtered("is_delivery")
        if lines:
            amount, source_currency = sum(lines.mapped("price_subtotal")), order.currency_id
        elif self.carrier_id and order:
            rating = self.carrier_id.rate_shipment(order)
            if not rating.get("success"):
                return 0.0
            amount, source_currency = rating["price"], order.currency_id
        elif self.carrier_id.delivery_type == "fixed":
            amount, source_currency = self.carrier_id.fixed_price, self.company_id.currency_id
        else:
            return 0.0
        return source_currency._convert(
            amount, currency, self.company_id, fields.Date.context_today(self)
        )

    def _request_charge_decision(self, charges):
        """Hold the invoice and ask a Logistics Manager to decide on the variance."""
        self.ensure_one()
        lines = [charge._describe_variance() for charge in charges]
        self.activity_schedule(
            DECISION_ACTIVITY,
            summary=_("Freight charges outside tolerance"),
            note="<br/>".join(lines),
            user_id=self._get_freight_decider().id,
        )

    def _get_freight_decider(self):
        """Who decides on this shipment's freight: the deciding manager, else the
        shipment's responsible when a manager, else a manager of its company."""
        self.ensure_one()
        managers = "logistics_integration.group_logistics_manager"
        candidates = (self.env.user | self.user_id).filtered(lambda u: u.has_group(managers))
        return self.env["res.users"]._logistics_get_assignee(self, candidates, group=managers)

    def _after_charge_decision(self, reason):
        """After a decision or a credit: say whether the invoice is released or still held,
        and leave exactly one freight activity naming what remains to be done."""
        self.ensure_one()
        self._close_charge_activities(reason)
        held = self.charge_ids.filtered(lambda c: c.state == "on_hold")
        disputed = self.charge_ids.filtered(lambda c: c.state == "disputed")
        if not (held or disputed):
            self.message_post(
                body=_(
                    "Freight released: %(order)s can be invoiced.",
                    order=self.sudo().sale_order_id.name or self.name,
                )
            )
            return
        lines = [charge._describe_variance() for charge in held] + [
            _(
                "%(charge)s is disputed: re-approve it or record the carrier's credit.",
                charge=c.display_name,
            )
            for c in disputed
        ]
        self.activity_schedule(
            DECISION_ACTIVITY,
            summary=_("Resolve freight disputes")
            if disputed
            else _("Freight charges outside tolerance"),
            note="<br/>".join(lines),
            user_id=self._get_freight_decider().id,
        )
        self.message_post(
            body=_(
                "Invoice stays on hold until %(charges)s are resolved.",
                charges=", ".join((held | disputed).mapped("display_name")),
            )
        )

    def _close_charge_activities(self, feedback):
        self.activity_feedback([DECISION_ACTIVITY], feedback=feedback)

    def _add_invoice_approved_milestone(self):
        """Record that freight was approved and invoiced (an administrative milestone)."""
        event_type = self.env.ref("logistics_integration.event_type_invoice_approved")
        todo = self.filtered(lambda s: event_type not in s.milestone_ids.event_type_id)
        self.env["logistics.milestone"].sudo().create(
            [
                {
                    "shipment_id": shipment.id,
                    "event_type_id": event_type.id,
                    "event_time": fields.Datetime.now(),
                }
                for shipment in todo
            ]
        )
