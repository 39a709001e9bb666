from types import MappingProxyType
from typing import NamedTuple

from odoo import _, api, fields, models, tools


class EventTypeFacts(NamedTuple):
    """What the timeline and the milestones read of a canonical event."""

    code: str
    category: str
    rank: int
    customer_visible: bool


class LogisticsEventType(models.Model):
    """A canonical milestone: the one vocabulary every source is mapped onto."""

    _name = "logistics.event.type"
    _inherit = ["logistics.cached.config.mixin"]
    _description = "Canonical Logistics Event"
    _order = "rank, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Stable technical code used in payloads and mappings, e.g. in_transit.",
    )
    rank = fields.Integer(
        required=True,
        help="Position in the lifecycle. A shipment never moves to a lower rank "
        "than the one it has reached.",
    )
    category = fields.Selection(
        selection=[
            ("progress", "Progress"),
            ("terminal", "Terminal"),
            ("exception", "Exception"),
            ("administrative", "Administrative"),
        ],
        required=True,
        default="progress",
        help="Progress and terminal events move the shipment forward; an exception "
        "holds it until a later progress event resolves it; administrative events "
        "(order confirmed, invoice approved) enter the timeline without changing "
        "the transport state.",
    )
    customer_visible = fields.Boolean(
        help="Whether customers may see this milestone in the portal and by e-mail."
    )
    customer_label = fields.Char(
        translate=True,
        help="Wording shown to customers; never an internal code.",
    )
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_unique", "unique(code)", "A canonical event code must be unique."),
    ]

    @api.model
    def _cache_invalidation_fields(self):
        # What _get_catalogue reads: renaming or rewording an event keeps the caches.
        return {"code", "category", "rank", "customer_visible"}

    # Read for every milestone created and every shipment state derived: kept per worker
    # until the catalogue changes, instead of fetching the event types' rows each time.
    @api.model
    @tools.ormcache()
    def _get_catalogue(self):
        """{event type id: EventTypeFacts} of every canonical event, archived ones too
        (a milestone keeps the event it was recorded with)."""
        event_types = (
            self.sudo()
            .with_context(active_test=False)
            .search_fetch([], ["code", "category", "rank", "customer_visible"], order="id")
        )
        return MappingProxyType(
            {
                event_type.id: EventTypeFacts(
                    code=event_type.code,
                    category=event_type.category,
                    rank=event_type.rank,
                    customer_visible=event_type.customer_visible,
                )
                for event_type in event_types
            }
        )

    @api.constrains("code")
    def _check_code(self):
        # Codes travel in payloads and mappings: "In Transit " beside "in_transit" would
        # be a second milestone no source is mapped onto.
        for event_type in self:
            self.env["logistics.endpoint"]._assert_technical_code(
                event_type.code, _("Canonical event")
            )
