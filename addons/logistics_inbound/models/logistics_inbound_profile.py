from logistics_contract.paths import parse, parse_source, split_list_path

from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError

from .. import times
from ..paths import CHARGE_FIELDS, SCALAR_FIELDS, TIME_FIELDS, Spec

DOCUMENT_FORMATS = [
    ("tms-event", "tms-event envelope"),
    ("json", "Raw JSON document"),
    ("x12-214", "X12 214 transaction set"),
]
RAW_FORMATS = ("json", "x12-214")
# Shipment matching keys -> (field path on logistics.shipment, what it is).
MATCH_KEYS = {
    "shipment": ("name", "shipment reference"),
    "tms_reference": ("tms_reference", "TMS planning reference"),
    "tracking_number": ("picking_id.carrier_tracking_ref", "delivery tracking number"),
    "customer_reference": ("sale_order_id.client_order_ref", "customer reference of the order"),
}
DEFAULT_MATCH_ORDER = "tms_reference, shipment"
SOURCE_HELP = (
    "A dotted path into the event as forwarded (payload.x, document.items[-1].y; "
    "[*] splits the document), several paths separated by commas, or a constant "
    "written =value."
)


class LogisticsInboundProfile(models.Model):
    """How a source's events or documents become canonical events: onboarding without code.

    Every source is read from the event as the bridge forwards it: the
    tms-event envelope itself (``payload.status.code``), or for raw documents
    the envelope ``{"event_id", "format", "received_at", "correlation_id",
    "document"}`` (``document.result.status``). See ``paths.py`` and
    ``logistics_contract.paths`` for the syntax (``[-1]``, ``[*]``, several
    paths, ``=constant``). Envelope fields
    of the bridge (event type, occurred at, correlation id, received at) are
    taken from the envelope unless the profile gives a source for them.
    """

    _name = "logistics.inbound.profile"
    _inherit = ["logistics.cached.config.mixin"]
    _description = "Inbound Profile"
    _order = "name, id"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    description = fields.Text()
    company_id = fields.Many2one(comodel_name="res.company", index=True)
    document_format = fields.Selection(
        selection=DOCUMENT_FORMATS,
        required=True,
        default="tms-event",
        help="What the bridge forwards for endpoints using this profile: its tms-event "
        "envelope, or a raw document (bridge setting endpoints.<code>.format).",
    )
    path_event_id = fields.Char(string="Event ID", required=True, help=SOURCE_HELP)
    path_event_type = fields.Char(
        string="Event Type",
        help="status, planning, pod or charges; empty: the envelope's. " + SOURCE_HELP,
    )
    path_shipment_reference = fields.Char(string="Shipment Key", required=True, help=SOURCE_HELP)
    path_status_code = fields.Char(string="Status Code", help=SOURCE_HELP)
    path_status_detail = fields.Char(string="Status Detail", help=SOURCE_HELP)
    path_event_time = fields.Char(string="Event Time", help=SOURCE_HELP)
    event_time_format = fields.Selection(
        selection=times.FORMATS, required=True, default=times.ISO8601
    )
    path_location = fields.Char(
        string="Location",
        help="Several paths (city, state, country) are joined. " + SOURCE_HELP,
    )
    path_carrier = fields.Char(string="Carrier", help=SOURCE_HELP)
    path_planning_reference = fields.Char(string="Planning Reference", help=SOURCE_HELP)
    path_tracking_number = fields.Char(string="Tracking Number", help=SOURCE_HELP)
    path_eta = fields.Char(string="ETA", help=SOURCE_HELP)
    eta_format = fields.Selection(
        string="ETA Format", selection=times.FORMATS, required=True, default=times.ISO8601
    )
    path_pod_signed_by = fields.Char(string="POD Signed By", help=SOURCE_HELP)
    path_pod_signed_at = fields.Char(string="POD Signed At", help=SOURCE_HELP)
    pod_signed_at_format = fields.Selection(
        string="POD Signed At Format",
        selection=times.FORMATS,
        required=True,
        default=times.ISO8601,
    )
    path_pod_document_reference = fields.Char(string="POD Document", help=SOURCE_HELP)
    local_timezone = fields.Selection(
        selection="_get_timezones",
        default="UTC",
        required=True,
        help="The time zone of X12 times with time code LT (local time).",
    )
    shipment_match_order = fields.Char(
        required=True,
        default=DEFAULT_MATCH_ORDER,
        help="What the shipment key is compared with, in this order, separated by commas: "
        + ", ".join(f"{key} ({label})" for key, (_field, label) in MATCH_KEYS.items())
        + ".",
    )
    path_charge_external_id = fields.Char(string="Charge ID")
    path_charge_charge_type = fields.Char(string="Charge Type")
    path_charge_amount = fields.Char(string="Charge Amount")
    path_charge_currency = fields.Char(string="Charge Currency")
    path_charge_description = fields.Char(string="Charge Description")
    status_mapping_ids = fields.One2many(
        comodel_name="logistics.status.mapping",
        inverse_name="profile_id",
        string="Default Status Mapping",
        help="Applies to every endpoint using this profile unless the endpoint maps "
        "the same code itself.",
    )
    endpoint_ids = fields.One2many(
        comodel_name="logistics.endpoint", inverse_name="logistics_inbound_profile_id"
    )

    @api.model
    def _cache_invalidation_fields(self):
        # What _get_ingest_rules reads. An unlink empties the caches too (the mixin): its
        # status mappings went with it, and the endpoints using it lost it, in SQL, so
        # logistics.endpoint._get_status_mapping_ids must read them again.
        return (
            super()._cache_invalidation_fields()
            | {
                name
                for name in self._fields
                if name.startswith("path_") or name.endswith("_format")
            }
            | {"local_timezone", "shipment_match_order"}
        )

    @api.model
    def _get_timezones(self):
        """The time zones a partner may have; a time zone is its own label."""
        return [(tz, tz) for tz in self.env["res.partner"]._fields["tz"].get_values(self.env)]

    @api.constrains(*[f"path_{name}" for name in SCALAR_FIELDS])
    def _check_scalar_paths(self):
        for profile in self:
            sources = [profile._parse_checked(name) for name in SCALAR_FIELDS]
            try:
                split_list_path(sources)
            except ValueError as exc:
                raise ValidationError(str(exc)) from exc

    @api.constrains(*[f"path_charge_{name}" for name in CHARGE_FIELDS])
    def _check_charge_paths(self):
        for profile in self:
            for name in CHARGE_FIELDS:
                path = profile[f"path_charge_{name}"]
                if not path:
                    continue
                try:
                    parsed = parse(path)
                except ValueError as exc:
                    raise ValidationError(
                        _("Path %(path)r is not a dotted path like payload.status.code.", path=path)
                    ) from exc
                if not parsed.splits:
                    raise ValidationError(
                        _("Charge path %(path)r must contain a [*] for the lines.", path=path)
                    )

    @api.constrains("document_format", "path_event_type")
    def _check_raw_event_type(self):
        for profile in self:
            if profile.document_format in RAW_FORMATS and not profile.path_event_type:
                raise ValidationError(
                    _(
                        "%(profile)s: raw documents have no envelope to take the event type "
                        "from; give it a source, e.g. =status.",
                        profile=profile.name,
                    )
                )

    @api.constrains("document_format")
    def _check_endpoints_format(self):
        # Endpoints forward the format they are set to: a profile must keep reading it.
        self.endpoint_ids._check_inbound_profile()

    @api.constrains("shipment_match_order")
    def _check_shipment_match_order(self):
        for profile in self:
            profile._get_match_keys()

    def _parse_checked(self, name):
        """The parsed source of a scalar field, or a ValidationError naming it."""
        self.ensure_one()
        field = self._fields[f"path_{name}"]
        text = self[field.name]
        try:
            return parse_source(text)
        except ValueError as exc:
            raise ValidationError(
                _(
                    "%(field)s: %(text)r is not a path like payload.status.code, "
                    "paths separated by commas, or a constant like =status.",
                    field=field.string,
                    text=text,
                )
            ) from exc

    def _get_match_keys(self):
        """The matching keys in order; raise ValidationError on an unknown one."""
        self.ensure_one()
        keys = [key.strip() for key in (self.shipment_match_order or "").split(",") if key.strip()]
        unknown = [key for key in keys if key not in MATCH_KEYS]
        if unknown or not keys:
            raise ValidationError(
                _(
                    "Shipment matching: %(unknown)s; use some of %(known)s.",
                    unknown=", ".join(unknown) or _("no key given"),
                    known=", ".join(MATCH_KEYS),
                )
            )
        return keys

    def _get_ingest_rules(self):
        """``(document_format, spec, match keys)``: what every ingest call reads of the
        profile, kept per worker for a saved one."""
        self.ensure_one()
        # A profile being edited (a sample tried in its form) is read as it stands.
        return self._get_ingest_rules_of(self.id) if self.id else self._read_ingest_rules()

    @api.model
    @tools.ormcache("profile_id")
    def _get_ingest_rules_of(self, profile_id):
        return self.sudo().browse(profile_id)._read_ingest_rules()

    def _read_ingest_rules(self):
        return self.document_format, self._get_spec(), tuple(self._get_match_keys())

    def _get_spec(self):
        """The profile's extraction rules for ``paths.extract_events``."""
        self.ensure_one()
        return Spec(
            scalars={name: parse_source(self[f"path_{name}"]) for name in SCALAR_FIELDS},
            charges={name: self[f"path_charge_{name}"] for name in CHARGE_FIELDS},
            time_formats={name: self[f"{name}_format"] for name in TIME_FIELDS},
            local_timezone=self.local_timezone or "UTC",
            raw_document=self.document_format in RAW_FORMATS,
        )

    def action_try_sample(self):
        """Button: paste a sample document and see what it would become."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env["logistics.inbound.sample"]._dialog_title(self, self.endpoint_ids[:1]),
            "res_model": "logistics.inbound.sample",
            "view_mode": "form",
            "target": "new",
            "context": {"default_profile_id": self.id, "dialog_size": "extra-large"},
        }
