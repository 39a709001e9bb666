from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..heartbeat import HeartbeatError, parse_heartbeat

BRIDGE_GROUP = "logistics_inbound.group_logistics_bridge"


class LogisticsBridgeInstance(models.Model):
    """One running bridge, as its last heartbeat described it.

    Rows are keyed by the bridge's id (by default its host and port), so several
    bridges sharing a PostgreSQL inbox show as several rows. A bridge belongs to the
    company of the Logistics Bridge user it reports as: other companies' users do not
    see it, nor count it on their Overview.
    """

    _name = "logistics.bridge.instance"
    _description = "Bridge Instance"
    _order = "bridge_id"
    _rec_name = "bridge_id"

    bridge_id = fields.Char(required=True, readonly=True, index=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.company,
        help="The company of the Logistics Bridge user the bridge reports as.",
    )
    host = fields.Char(readonly=True)
    version = fields.Char(readonly=True)
    endpoint_codes = fields.Char(
        readonly=True, help="Codes of the endpoints whose callbacks this bridge receives."
    )
    last_heartbeat = fields.Datetime(readonly=True, index=True)
    interval_seconds = fields.Float(readonly=True, help="Seconds between two heartbeats.")
    pending_count = fields.Integer(string="Pending", readonly=True)
    forwarded_count = fields.Integer(string="Forwarded", readonly=True)
    rejected_count = fields.Integer(string="Rejected", readonly=True)
    failed_count = fields.Integer(string="Failed", readonly=True)
    oldest_pending_age_seconds = fields.Float(string="Oldest Pending (s)", readonly=True)
    last_odoo_error = fields.Text(readonly=True)
    last_odoo_error_at = fields.Datetime(readonly=True)
    registry_version = fields.Integer(
        readonly=True,
        help="The version of Odoo's endpoint registry the bridge runs (0: none reported, "
        "it runs the endpoints of its configuration file).",
    )
    is_registry_behind = fields.Boolean(
        string="Registry Behind",
        compute="_compute_is_registry_behind",
        search="_search_is_registry_behind",
        help="The bridge runs an older registry than Odoo's current one.",
    )
    is_stale = fields.Boolean(
        string="Stale",
        compute="_compute_is_stale",
        search="_search_is_stale",
        help="No heartbeat within the company's bridge heartbeat timeout.",
    )

    _sql_constraints = [
        ("bridge_id_unique", "unique(bridge_id)", "A bridge id names one bridge."),
    ]

    def _stale_limit(self):
        seconds = self.env.company.sudo().logistics_bridge_stale_seconds
        return fields.Datetime.now() - timedelta(seconds=seconds)

    @api.depends("last_heartbeat")
    def _compute_is_stale(self):
        limit = self._stale_limit()
        for bridge in self:
            bridge.is_stale = not bridge.last_heartbeat or bridge.last_heartbeat < limit

    def _search_is_stale(self, operator, value):
        if operator not in ("=", "!="):
            raise ValidationError(_("Stale bridges can only be searched with = or !=."))
        stale = (operator == "=") == bool(value)
        fresh_domain = [("last_heartbeat", ">=", self._stale_limit())]
        return ["!", *fresh_domain] if stale else fresh_domain

    @api.depends("registry_version")
    def _compute_is_registry_behind(self):
        current = self.env["logistics.bridge.registry"]._current_version()
        for bridge in self:
            bridge.is_registry_behind = 0 < bridge.registry_version < current

    def _search_is_registry_behind(self, operator, value):
        if operator not in ("=", "!="):
            raise ValidationError(_("Bridges behind can only be searched with = or !=."))
        current = self.env["logistics.bridge.registry"]._current_version()
        if (operator == "=") == bool(value):
            return [("registry_version", ">", 0), ("registry_version", "<", current)]
        return [
            "|",
            "|",
            ("registry_version", "=", False),
            ("registry_version", "=", 0),
            ("registry_version", ">=", current),
        ]

    @api.model
    def report_heartbeat(self, heartbeat):
        """Record a bridge's heartbeat (called by the bridge over JSON-RPC).

        Contract: ``heartbeat`` is a dict as in ``logistics_monitoring/heartbeat.py``;
        the answer is ``{"bridge_id", "stale_after_seconds"}``. Only the Logistics
        Bridge group may call it; a malformed heartbeat is refused with every
        wrong field named.
        """
        if not self.env.user.has_group(BRIDGE_GROUP):
            raise AccessError(_("Only the Logistics Bridge may report heartbeats."))
        try:
            report = parse_heartbeat(heartbeat)
        except HeartbeatError as exc:
            raise ValidationError(
                _("Invalid bridge heartbeat: %(problems)s", problems=exc)
            ) from None
        values = {
            "host": report.host,
            "version": report.version,
            "endpoint_codes": " ".join(sorted(set(report.endpoints))),
            "last_heartbeat": fields.Datetime.now(),
            "interval_seconds": report.interval_seconds,
            "pending_count": report.state_count("pending"),
            "forwarded_count": report.state_count("forwarded"),
            "rejected_count": report.state_count("rejected"),
            "failed_count": report.state_count("failed"),
            "oldest_pending_age_seconds": report.oldest_pending_age_seconds or 0.0,
            "last_odoo_error": report.last_odoo_error or False,
            "last_odoo_error_at": report.error_time_naive_utc(),
            "registry_version": report.registry_version,
            "company_id": self.env.company.id,
        }
        bridges = self.sudo()
        bridge = bridges.search([("bridge_id", "=", report.bridge_id)], limit=1)
        if bridge:
            bridge.write(values)
        else:
            bridge = bridges.create(dict(values, bridge_id=report.bridge_id))
        return {
            "bridge_id": bridge.bridge_id,
            "stale_after_seconds": self.env.company.sudo().logistics_bridge_stale_seconds,
        }

    def _serves(self, endpoint_code):
        """Bridges among ``self`` receiving callbacks for ``endpoint_code``."""
        return self.filtered(lambda b: endpoint_code in (b.endpoint_codes or "").split())
