from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..paths import CHARGE_FIELDS, SCALAR_FIELDS, parse_path

GENERIC_PROFILE_XMLID = "logistics_tms_inbound.inbound_profile_generic_tms"


class LogisticsInboundProfile(models.Model):
    """Where a source's JSON keeps each canonical field: onboarding without code.

    Every path is read from the whole event as the bridge forwards it, e.g.
    ``payload.status.code`` or ``payload.charges[*].amount``. The envelope
    fields of the bridge contract (event type, occurred at, correlation id,
    schema version) are always taken from the envelope.
    """

    _name = "logistics.inbound.profile"
    _description = "Inbound Profile"
    _order = "name, id"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    description = fields.Text()
    company_id = fields.Many2one(comodel_name="res.company", index=True)
    path_event_id = fields.Char(string="Event ID", required=True, default="event_id")
    path_shipment_reference = fields.Char(
        string="Shipment Reference", required=True, default="shipment_reference"
    )
    path_status_code = fields.Char(string="Status Code", default="payload.status_code")
    path_status_detail = fields.Char(string="Status Detail", default="payload.status_detail")
    path_event_time = fields.Char(string="Event Time", default="payload.event_time")
    path_location = fields.Char(string="Location", default="payload.location")
    path_carrier = fields.Char(string="Carrier", default="payload.carrier")
    path_planning_reference = fields.Char(
        string="Planning Reference", default="payload.planning_reference"
    )
    path_eta = fields.Char(string="ETA", default="payload.eta")
    path_pod_signed_by = fields.Char(string="POD Signed By", default="payload.pod.signed_by")
    path_pod_signed_at = fields.Char(string="POD Signed At", default="payload.pod.signed_at")
    path_pod_document_reference = fields.Char(
        string="POD Document", default="payload.pod.document_reference"
    )
    path_charge_external_id = fields.Char(
        string="Charge ID", default="payload.charges[*].external_id"
    )
    path_charge_charge_type = fields.Char(
        string="Charge Type", default="payload.charges[*].charge_type"
    )
    path_charge_amount = fields.Char(string="Charge Amount", default="payload.charges[*].amount")
    path_charge_currency = fields.Char(
        string="Charge Currency", default="payload.charges[*].currency"
    )
    path_charge_description = fields.Char(
        string="Charge Description", default="payload.charges[*].description"
    )
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

    @api.constrains(*[f"path_{name}" for name in SCALAR_FIELDS])
    def _check_scalar_paths(self):
        for profile in self:
            for name in SCALAR_FIELDS:
                self._check_one_path(profile[f"path_{name}"], list_allowed=False)

    @api.constrains(*[f"path_charge_{name}" for name in CHARGE_FIELDS])
    def _check_charge_paths(self):
        for profile in self:
            for name in CHARGE_FIELDS:
                path = profile[f"path_charge_{name}"]
                self._check_one_path(path, list_allowed=True)
                if path and path.count("[*]") != 1:
                    raise ValidationError(
                        _("Charge path %(path)r must contain exactly one [*].", path=path)
                    )

    @api.model
    def _check_one_path(self, path, list_allowed):
        if not path:
            return
        try:
            parts = parse_path(path)
        except ValueError as exc:
            raise ValidationError(
                _("Path %(path)r is not a dotted path like payload.status.code.", path=path)
            ) from exc
        if "*" in parts and not list_allowed:
            raise ValidationError(_("Path %(path)r may not contain [*].", path=path))

    def _get_paths(self):
        """``(scalar_paths, charge_paths)`` as ``paths.extract_event`` expects them."""
        self.ensure_one()
        scalar = {name: self[f"path_{name}"] for name in SCALAR_FIELDS}
        charges = {name: self[f"path_charge_{name}"] for name in CHARGE_FIELDS}
        return scalar, charges
