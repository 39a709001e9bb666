import logging

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

EXPORT_STATES = [
    ("not_exported", "Not Exported"),
    ("blocked", "Blocked"),
    ("queued", "Queued"),
    ("exported", "Exported"),
    ("export_failed", "Export Failed"),
    ("cancelled", "Cancelled"),
]
# Shipments whose order changes the TMS must hear of (or that wait for a fix).
TRACKED_EXPORT_STATES = ("blocked", "queued", "exported")
# Shipment states after which the TMS is not told of changes any more, unless a
# person replays the order with a reason.
TERMINAL_STATES = ("delivered", "returned", "cancelled")
# Codes of the exchange types this addon ships (data/logistics_exchange_type_data.xml).
ORDER_CREATE_EXCHANGE_TYPE = "tms_order_create"
ORDER_UPDATE_EXCHANGE_TYPE = "tms_order_update"
ORDER_EXCHANGE_TYPES = (ORDER_CREATE_EXCHANGE_TYPE, ORDER_UPDATE_EXCHANGE_TYPE)
CANCEL_EXCHANGE_TYPE = "tms_order_cancel"
BLOCKED_ACTIVITY = "logistics_tms_export.mail_activity_type_tms_blocked"


class LogisticsShipment(models.Model):
    _inherit = "logistics.shipment"

    export_state = fields.Selection(
        groups="base.group_user",
        selection=EXPORT_STATES,
        required=True,
        default="not_exported",
        index=True,
        copy=False,
        tracking=True,
        help="Where the shipment stands with the TMS; the transport state follows "
        "the milestones separately.",
    )
    export_blocked_reason = fields.Text(
        groups="base.group_user",
        readonly=True,
        copy=False,
        help="Why the shipment was not sent to the TMS.",
    )
    export_version = fields.Integer(
        groups="base.group_user",
        readonly=True,
        copy=False,
        help="Payload version last queued for the TMS.",
    )
    export_sent_version = fields.Integer(
        groups="base.group_user",
        readonly=True,
        copy=False,
        help="Highest payload version the TMS acknowledged.",
    )
    export_fingerprint = fields.Char(
        groups="base.group_user",
        readonly=True,
        copy=False,
        help="Hash of the last queued payload without its version, to notice changes.",
    )
    tms_endpoint_id = fields.Many2one(
        groups="base.group_user",
        comodel_name="logistics.endpoint",
        string="TMS",
        readonly=True,
        copy=False,
        check_company=True,
        help="The TMS this shipment was sent to.",
    )
    outbound_message_count = fields.Integer(
        groups="base.group_user", compute="_compute_outbound_message_count"
    )

    def write(self, vals):
        # The TMS's planning reference arriving before Odoo read its answer to the order
        # (its own answer writes the export state with it): see _tms_acknowledge_by_planning.
        unanswered = self.browse()
        if vals.get("tms_reference") and not {"export_state", "export_sent_version"} & set(vals):
            unanswered = self.filtered(
                lambda s: (
                    not s.tms_reference
                    and not s.export_sent_version
                    and s.export_state in ("queued", "export_failed")
                )
            )
        result = super().write(vals)
        if unanswered:
            self.env["logistics.tms.order.handler"].sudo()._tms_acknowledge_by_planning(
                unanswered.sudo()
            )
        return result

    def _compute_outbound_message_count(self):
        counts = dict(
            self.env["logistics.outbound.message"]
            .sudo()
            ._read_group(
                [("model", "=", self._name), ("res_id", "in", self.ids)], ["res_id"], ["__count"]
            )
        )
        for shipment in self:
            shipment.outbound_message_count = counts.get(shipment.id, 0)

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------

    def action_tms_revalidate(self):
        """Check the shipment against the contract again and queue it if it passes."""
        self.ensure_one()
        if self.export_state in ("cancelled",):
            raise UserError(_("A cancelled shipment is not sent to the TMS."))
        if self._tms_is_terminal():
            raise UserError(
                _(
                    "Shipment %(shipment)s is closed: use Replay to TMS and give a reason.",
                    shipment=self.name,
                )
            )
        self._tms_sync()
        return True

    def action_tms_replay(self, reason=None):
        """Send the last TMS message of this shipment again (same idempotency key).

        A closed shipment is only sent again for a reason, which the chatter,
        the message, its job and its log keep: without one, the reason dialog opens.
        """
        self.ensure_one()
        message = self._tms_messages().filtered(lambda m: m.state != "cancelled")[:1]
        if not message:
            raise UserError(_("This shipment has no TMS message to replay."))
        if self._tms_is_terminal() and not (reason or "").strip():
            return self._tms_replay_reason_action()
        message.action_replay(reason=reason)
        if reason:
            self.message_post(
                body=_(
                    "Message %(key)s replayed to the TMS: %(reason)s",
                    key=message.idempotency_key,
                    reason=reason,
                )
            )
        if message.exchange_type_code in ORDER_EXCHANGE_TYPES and not self._tms_is_terminal():
            self.sudo().export_state = "queued"
        return True

    def _tms_replay_reason_action(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Replay %(shipment)s to the TMS", shipment=self.name),
            "res_model": "logistics.tms.replay",
            "view_mode": "form",
            "target": "new",
            "context": {"default_shipment_id": self.id},
        }

    def _tms_is_terminal(self):
        """Whether the shipment is closed: delivered, returned or cancelled."""
        self.ensure_one()
        return self.state in TERMINAL_STATES or self.export_state == "cancelled"

    def action_view_outbound_messages(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "logistics_integration.logistics_outbound_message_action"
        )
        action["domain"] = [("model", "=", self._name), ("res_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------
    # Trigger
    # ------------------------------------------------------------------

    @api.model
    def _tms_export_pickings(self, pickings):
        """Give each outgoing picking its one shipment and queue its export.

        Safe to call any number of times and from concurrent transactions:
        a picking that already has a shipment is left alone, and the unique
        constraint on picking_id settles a race (see _tms_get_or_create).
        """
        shipments = self.browse()
        for picking in pickings:
            shipment = self._tms_get_or_create(picking)
            if shipment and shipment.export_state == "not_exported":
                shipment._tms_sync()
            shipments |= shipment
        return shipments

    @api.model
    def _tms_get_or_create(self, picking):
        """The shipment of ``picking``, created if needed; empty if a concurrent
        transaction is creating it.

        The insert runs in a savepoint: when another transaction inserted the
        same picking first, the unique constraint fails only this savepoint. In
        the same transaction the existing shipment is returned; from another
        one it is not visible yet (repeatable read), and that transaction owns
        the export, so nothing is returned.
        """
        existing = self.sudo().search([("picking_id", "=", picking.id)], limit=1)
        if existing:
            return existing
        try:
            with self.env.cr.savepoint():
                return self.sudo().create(self._prepare_tms_shipment_vals(picking))
        except psycopg2.errors.UniqueViolation:
            self.env.invalidate_all()
            _logger.info("Shipment of %s created concurrently; keeping that one", picking.name)
            return self.sudo().search([("picking_id", "=", picking.id)], limit=1)

    @api.model
    def _prepare_tms_shipment_vals(self, picking):
        order = picking.sale_id
        return {
            "company_id": picking.company_id.id,
            "sale_order_id": order.id,
            "picking_id": picking.id,
            "partner_id": (picking.partner_id or order.partner_shipping_id).id,
            "carrier_id": (picking.carrier_id or order.carrier_id).id,
            "user_id": (order.user_id or self.env.user).id,
        }

    # ------------------------------------------------------------------
    # Sending (logistics.tms.export), blocking
    # ------------------------------------------------------------------

    def _get_tms_endpoint(self):
        self.ensure_one()
        return self.tms_endpoint_id or self.company_id.logistics_tms_endpoint_id

    def _tms_sync(self):
        """Bring the TMS in line with the shipments still under way.

        Every automatic send goes through here (first export, re-validation,
        changes of partners, orders, deliveries and moves): a closed shipment
        (see ``_tms_is_terminal``) is left alone, whatever changed.
        """
        self.env["logistics.tms.export"]._push(
            self.sudo().filtered(lambda s: not s._tms_is_terminal())
        )

    def _tms_document_exchange_type(self):
        """Code of the exchange type that carries this shipment's document to the TMS
        now: a new order, or the next version of one the TMS has."""
        self.ensure_one()
        return (
            ORDER_UPDATE_EXCHANGE_TYPE if self.export_sent_version else ORDER_CREATE_EXCHANGE_TYPE
        )

    @api.model
    def _tms_document_exchange_types(self):
        """Codes of the exchange types that carry shipments' documents (not their
        withdrawal): a newer document replaces a pending one."""
        return ORDER_EXCHANGE_TYPES

    def _tms_sync_if_tracked(self):
        """Re-validate blocked shipments and send changes of queued or exported ones."""
        self.sudo().filtered(lambda s: s.export_state in TRACKED_EXPORT_STATES)._tms_sync()

    def _tms_without_endpoint(self):
        """No TMS to send this shipment to: a person must choose the company's default
        TMS, unless the company has none at all (a carrier-only shop, whose shipments
        only follow the carriers' milestones)."""
        self.ensure_one()
        if self.env["logistics.endpoint"]._tms_exists(self.company_id):
            self._tms_block([_("no default TMS is configured for %s", self.company_id.name)])
        elif self.export_state == "blocked":
            self._tms_unblock("not_exported")

    def _tms_block(self, problems, title=None):
        """Stop the export, say why (every problem), and ask the salesperson to act."""
        self.ensure_one()
        title = title or _("Not sent to the TMS")
        reason = "\n".join(f"- {problem}" for problem in problems)
        if self.export_state == "blocked" and self.export_blocked_reason == reason:
            return
        self.write({"export_state": "blocked", "export_blocked_reason": reason})
        self.activity_unlink([BLOCKED_ACTIVITY])
        user = self.env["res.users"]._logistics_get_assignee(
            self, preferred=self.sale_order_id.user_id | self.user_id
        )
        self.activity_schedule(
            BLOCKED_ACTIVITY,
            summary=title,
            note=_("%(title)s:\n%(reason)s", title=title, reason=reason),
            user_id=user.id,
        )

    def _tms_unblock(self, state):
        self.write({"export_state": state, "export_blocked_reason": False})
        self.activity_unlink([BLOCKED_ACTIVITY])

    def _tms_messages(self, codes=None):
        """TMS messages of this shipment with one of the exchange type codes
        ``codes`` (a code or a tuple of codes; all its documents' and their
        withdrawal by default), newest first."""
        if codes is None:
            codes = (*self._tms_document_exchange_types(), CANCEL_EXCHANGE_TYPE)
        if isinstance(codes, str):
            codes = (codes,)
        domain = [
            ("model", "=", self._name),
            ("res_id", "=", self.id),
            ("exchange_type_code", "in", codes),
        ]
        return self.env["logistics.outbound.message"].sudo().search(domain, order="id desc")

    def _tms_cancel(self, reason=None):
        """Withdraw the document from the TMS, if it was ever sent (``reason``: why)."""
        self.env["logistics.tms.export"]._withdraw(self.sudo(), reason)
