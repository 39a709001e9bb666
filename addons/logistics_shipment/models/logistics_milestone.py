import contextlib

from odoo import api, fields, models
from odoo.exceptions import MissingError

from odoo.addons.logistics_integration.models.logistics_event_type import EventTypeFacts

from ..timeline import TimelineEvent, current_event, timeline_order

# The facts of a milestone without a canonical event yet, as an empty event type reads.
NO_EVENT_TYPE = EventTypeFacts(code=False, category=False, rank=0, customer_visible=False)


class LogisticsMilestone(models.Model):
    """One point of a shipment's timeline, as reported by a source system.

    The canonical event drives the shipment; the raw code and detail stay for
    audit. The event time is the source's own, which is what orders the
    timeline — arrival order means nothing.
    """

    _name = "logistics.milestone"
    _inherit = ["logistics.bulk.create.mixin"]
    _description = "Shipment Milestone"
    _order = "event_time desc, id desc"
    _rec_name = "event_type_id"
    _check_company_auto = True

    shipment_id = fields.Many2one(
        comodel_name="logistics.shipment", required=True, ondelete="cascade", index=True
    )
    # Both precomputed: set in the INSERT, not by an UPDATE of every new milestone.
    company_id = fields.Many2one(
        related="shipment_id.company_id", store=True, index=True, precompute=True
    )
    correlation_id = fields.Char(related="shipment_id.correlation_id", groups="base.group_user")
    event_type_id = fields.Many2one(
        comodel_name="logistics.event.type",
        string="Canonical Event",
        required=True,
        ondelete="restrict",
    )
    category = fields.Selection(related="event_type_id.category")
    raw_code = fields.Char(
        groups="base.group_user", help="Status code exactly as the source sent it."
    )
    raw_detail = fields.Char(
        groups="base.group_user", help="Sub-status, reason code or detail as the source sent it."
    )
    endpoint_id = fields.Many2one(
        groups="base.group_user",
        comodel_name="logistics.endpoint",
        string="Source",
        ondelete="restrict",
        check_company=True,
        help="The system that reported this milestone; empty when recorded in Odoo.",
    )
    event_time = fields.Datetime(
        required=True, index=True, help="When it happened, according to the source."
    )
    received_time = fields.Datetime(
        groups="base.group_user",
        required=True,
        default=fields.Datetime.now,
        help="When Odoo learned of it.",
    )
    location = fields.Char()
    external_event_id = fields.Char(
        groups="base.group_user",
        index=True,
        copy=False,
        help="The source's identifier of this event.",
    )
    customer_visible = fields.Boolean(
        compute="_compute_customer_visible",
        store=True,
        readonly=False,
        precompute=True,
        help="Shown to the customer, with the canonical customer-facing label.",
    )
    customer_label = fields.Char(
        compute="_compute_customer_label",
        compute_sudo=True,
        help="What the customer reads about this milestone (portal, e-mails, portal events): "
        "the canonical event's customer label, which the addons that know more refine "
        "(an exception's reason, a return).",
    )
    action_required = fields.Boolean(
        groups="base.group_user",
        help="An exception somebody must act on (address issue, refusal, damage).",
    )
    note = fields.Text(
        groups="base.group_user",
    )

    _sql_constraints = [
        (
            "external_event_unique",
            "unique(endpoint_id, external_event_id)",
            "This source already reported this event.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        milestones = super().create(vals_list)
        milestones.shipment_id.filtered(lambda s: s.state == "delivered")._validate_deliveries()
        return milestones

    @api.model
    def _add_precomputed_values(self, vals_list):
        """Give the company and the visibility the milestones would precompute from the
        shipments (one read) and the event catalogue (per worker).

        Odoo precomputes a missing value on a new record built in memory for each
        milestone, which costs more than the insert; given values skip that. Here, not
        in ``create``: Odoo drops a given company (a related field) before this step.
        """
        shipment_ids = {
            vals["shipment_id"]
            for vals in vals_list
            if "company_id" not in vals and isinstance(vals.get("shipment_id"), int)
        }
        shipments = self.env["logistics.shipment"].sudo().browse(shipment_ids)
        # Nothing is read for shipments already in the cache (an export job's).
        shipments.fetch(["company_id"])
        companies = {}
        for shipment in shipments:
            # A missing shipment is left to the insert, which names it.
            with contextlib.suppress(MissingError):
                companies[shipment.id] = shipment.company_id.id
        catalogue = self.env["logistics.event.type"]._get_catalogue()
        for vals in vals_list:
            if "company_id" not in vals and vals.get("shipment_id") in companies:
                vals["company_id"] = companies[vals["shipment_id"]]
            event_type_id = vals.get("event_type_id")
            if "customer_visible" not in vals and event_type_id in catalogue:
                vals["customer_visible"] = catalogue[event_type_id].customer_visible
        return super()._add_precomputed_values(vals_list)

    def _event_facts(self):
        """{milestone id: EventTypeFacts of its canonical event} of these milestones, from
        the per-worker catalogue, which every saved event type is in (creating, changing
        or deleting one empties it); a milestone without one yet (a new line being
        edited) has none.

        The canonical catalogue is internal configuration: read whoever asks."""
        catalogue = self.env["logistics.event.type"]._get_catalogue()
        return {
            milestone.id: catalogue.get(milestone.event_type_id.id, NO_EVENT_TYPE)
            for milestone in self.sudo()
        }

    @api.depends("event_type_id")
    def _compute_customer_visible(self):
        facts = self._event_facts()
        for milestone in self:
            milestone.customer_visible = facts[milestone.id].customer_visible

    @api.depends("event_type_id.customer_label")
    @api.depends_context("lang")
    def _compute_customer_label(self):
        for milestone in self:
            milestone.customer_label = milestone.event_type_id.customer_label

    def _timeline_events(self):
        # The canonical catalogue is internal configuration: customers may not read it,
        # but the milestones they may see are ordered by it.
        # One sudo environment for all (not three per milestone): shipment states are
        # recomputed from these for every ingested batch.
        facts = self._event_facts()
        return [
            TimelineEvent(
                code=facts[m.id].code,
                category=facts[m.id].category,
                rank=facts[m.id].rank,
                event_time=m.event_time,
                sequence=m.id or 0,
            )
            for m in self.sudo()
        ]

    def _current_milestone(self):
        """Of these milestones (one shipment's), the one that gives the state by rank and
        time (see ``timeline.current_event``); failing that, the newest by time."""
        event = current_event(self._timeline_events())
        if event is not None:
            return self.filtered(lambda m: (m.id or 0) == event.sequence)[:1]
        return self.sorted(lambda m: (m.event_time, m.id or 0))[-1:]

    def _sorted_for_timeline(self):
        """These milestones (one shipment's) newest first, the one that gives the state
        on top (see ``timeline.timeline_order``)."""
        by_sequence = {m.id or 0: m for m in self}
        return self.browse(
            [by_sequence[e.sequence].id for e in timeline_order(self._timeline_events())]
        )
