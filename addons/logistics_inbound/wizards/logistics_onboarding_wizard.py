import json
import re

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.translate import LazyTranslate

from odoo.addons.logistics_integration.models.logistics_endpoint import ENDPOINT_KINDS

from .. import times
from ..models.logistics_auth_recipe import SCHEMES as RECIPE_SCHEMES
from ..models.logistics_inbound_profile import DOCUMENT_FORMATS, SOURCE_HELP
from ..proposals import profile_sources, propose

_lt = LazyTranslate(__name__)

STEPS = [
    ("source", "Source"),
    ("paths", "Paths"),
    ("auth", "Authentication"),
    ("done", "Done"),
]
# The profile fields the assistant proposes and lets a person edit.
PROFILE_FIELDS = (
    "document_format",
    "path_event_id",
    "path_event_type",
    "path_shipment_reference",
    "path_status_code",
    "path_status_detail",
    "path_event_time",
    "event_time_format",
    "path_location",
    "shipment_match_order",
)
# The endpoint's settings the bridge reads json documents with.
BRIDGE_PATH_FIELDS = ("event_id_path", "ordering_key_path", "split_path")
# What the assistant offers; the general signature recipe is set up on the endpoint.
ASSISTED_SCHEMES = [(key, label) for key, label in RECIPE_SCHEMES if key != "signature"]
SCHEME_FIELDS = {
    "hmac": ("header", "prefix", "hmac_algorithm", "encoding", "timestamp_header"),
    "token": ("header", "prefix"),
}
X12_PRESET = "logistics_inbound.inbound_profile_x12_214"
ROLE_LABELS = {
    "split": _lt("List of updates"),
    "event_id": _lt("Event ID"),
    "delivery_id": _lt("Webhook delivery ID"),
    "shipment_key": _lt("Tracking number"),
    "status_code": _lt("Status code"),
    "status_detail": _lt("Status detail"),
    "event_time": _lt("Event time"),
    "location": _lt("Location"),
}
OTHER_CANDIDATES = 3


class LogisticsOnboardingWizard(models.TransientModel):
    """Onboard a partner that sends its own documents: from a preset or from a sample.

    Steps: the endpoint and where to start (a preset, or the partner's sample
    document, whose paths are proposed); the paths, tried on the sample
    exactly as the bridge will deliver it, and the partner's status codes
    mapped; how the partner authenticates. Saving creates the endpoint, its
    inbound profile and status mapping, its inbound settings for the bridge
    and an authentication recipe with a new secret, shown once with the URL
    to hand to the partner.
    """

    _name = "logistics.onboarding.wizard"
    _description = "Onboarding Assistant"

    step = fields.Selection(selection=STEPS, required=True, default="source")
    name = fields.Char(string="Partner", help="The endpoint's name, e.g. Nexus Parcel.")
    code = fields.Char(help="The endpoint code: it names the partner's URL, /v1/in/<code>.")
    kind = fields.Selection(selection=ENDPOINT_KINDS, required=True, default="carrier")
    responsible_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        help="Gets the activities of events waiting for review.",
    )
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, default=lambda self: self.env.company
    )
    origin = fields.Selection(
        selection=[
            ("sample", "Paste the partner's sample document"),
            ("preset", "Start from a preset"),
        ],
        required=True,
        default="sample",
    )
    preset_id = fields.Many2one(comodel_name="logistics.inbound.profile")
    base_profile_id = fields.Many2one(
        comodel_name="logistics.inbound.profile",
        readonly=True,
        help="The profile the paths start from, copied with its status mapping on save.",
    )
    sample = fields.Text(
        help="A document as the partner sends it: JSON, or X12 text starting with ISA.",
    )
    proposal_note = fields.Text(string="Other candidates", readonly=True)
    document_format = fields.Selection(selection=DOCUMENT_FORMATS, default="json")
    path_event_id = fields.Char(string="Event ID", help=SOURCE_HELP)
    path_event_type = fields.Char(string="Event Type", default="=status", help=SOURCE_HELP)
    path_shipment_reference = fields.Char(string="Tracking Number", help=SOURCE_HELP)
    path_status_code = fields.Char(string="Status Code", help=SOURCE_HELP)
    path_status_detail = fields.Char(string="Status Detail", help=SOURCE_HELP)
    path_event_time = fields.Char(string="Event Time", help=SOURCE_HELP)
    event_time_format = fields.Selection(selection=times.FORMATS, default=times.ISO8601)
    path_location = fields.Char(string="Location", help=SOURCE_HELP)
    shipment_match_order = fields.Char(default="tracking_number, shipment")
    event_id_path = fields.Char(
        string="Delivery ID Path",
        help="Bridge: the webhook's own id of one delivery, read from the document; empty: "
        "a hash of the body (a redelivery is still a duplicate).",
    )
    ordering_key_path = fields.Char(
        help="Bridge: the shipment key that keeps one shipment's documents in order."
    )
    split_path = fields.Char(
        help="Bridge: a list whose elements travel as events of their own; empty: the "
        "profile splits the document (ids derived from each element)."
    )
    mapping_ids = fields.One2many(
        comodel_name="logistics.onboarding.mapping",
        inverse_name="wizard_id",
        string="Status Codes",
        help="The codes seen in the sample. Those left without a milestone wait for review "
        "when they arrive: never guessed.",
    )
    line_ids = fields.One2many(
        comodel_name="logistics.inbound.sample.line",
        inverse_name="onboarding_id",
        string="Try Results",
        readonly=True,
    )
    scheme = fields.Selection(
        selection=ASSISTED_SCHEMES,
        default="hmac",
        help="How the partner proves a request is its own; a secret is generated on save.",
    )
    header = fields.Char(
        help="hmac: the header carrying the signature. token: the header carrying the "
        "token (Authorization when empty).",
    )
    prefix = fields.Char(help="Text before the value in the header, e.g. sha256=.")
    hmac_algorithm = fields.Selection(
        selection=[("sha256", "HMAC-SHA256"), ("sha512", "HMAC-SHA512")],
        string="HMAC Algorithm",
        default="sha256",
    )
    encoding = fields.Selection(selection=[("hex", "Hex"), ("base64", "Base64")], default="hex")
    timestamp_header = fields.Char(
        help="hmac: when the partner signs <timestamp>.<body>, the header with the timestamp."
    )
    endpoint_id = fields.Many2one(comodel_name="logistics.endpoint", readonly=True)
    profile_id = fields.Many2one(comodel_name="logistics.inbound.profile", readonly=True)
    inbound_url = fields.Char(related="endpoint_id.inbound_url", string="Inbound URL")
    secret = fields.Char(readonly=True, help="Shown once: hand it to the partner now.")

    @api.onchange("name")
    def _onchange_name(self):
        if self.name and not self.code:
            code = re.sub(r"[^a-z0-9]+", "_", self.name.lower()).strip("_")
            self.code = (code if code[:1].isalpha() else f"p_{code}")[:63]

    # Steps

    def action_propose(self):
        """Source -> paths: the preset's paths, or those proposed from the sample."""
        self.ensure_one()
        self._check_endpoint()
        document = self._parsed_sample()
        # Proposing again (another sample, another preset) starts the paths step afresh.
        self.mapping_ids.filtered(lambda line: not line.event_type_id).unlink()
        self.line_ids = [fields.Command.clear()]
        if self.origin == "preset":
            if not self.preset_id:
                raise UserError(_("Choose the preset to start from."))
            self._load_profile(self.preset_id)
        elif document is None:
            raise UserError(_("Paste the partner's sample document, or start from a preset."))
        elif isinstance(document, str):
            self._load_profile(self.env.ref(X12_PRESET))
        else:
            self._load_proposal(propose(document))
        self.step = "paths"
        return self._reopen()

    def action_try(self):
        """Run the sample through the profile and the endpoint as they would be saved."""
        self.ensure_one()
        if not (self.sample or "").strip():
            raise UserError(_("Paste a sample document to try."))
        profile = self._new_profile()
        sample = self.env["logistics.inbound.sample"].new(
            {
                "profile_id": profile,
                "endpoint_id": self.env["logistics.endpoint"].new(
                    dict(self._prepare_endpoint_vals(), logistics_inbound_profile_id=profile)
                ),
                "sample": self.sample,
            }
        )
        lines = sample._prepare_line_vals()
        self.line_ids = [fields.Command.clear()] + [fields.Command.create(v) for v in lines]
        self._add_codes(
            line["status_code"]
            for line in lines
            if line.get("status_code") and not line.get("canonical_event_id")
        )
        return self._reopen()

    def action_back(self):
        self.ensure_one()
        keys = [key for key, _label in STEPS]
        self.step = keys[max(keys.index(self.step) - 1, 0)]
        return self._reopen()

    def action_next(self):
        """Paths -> authentication, once the paths are valid."""
        self.ensure_one()
        self._check_paths(self._new_profile())
        self.step = "auth"
        return self._reopen()

    def action_save(self):
        """Create the endpoint, its profile and mapping, its recipe and secret."""
        self.ensure_one()
        self._check_endpoint()
        # The new partner's profile serves only the endpoint created with it, so
        # nothing that runs changes: it is not held like an addition to the
        # profiles in use, whose creations wait for a second administrator.
        profiles = self.env["logistics.inbound.profile"]
        profiles.check_access("create")
        profile = profiles.sudo().create(self._prepare_profile_vals()).sudo(False)
        endpoint = self.env["logistics.endpoint"].create(
            dict(self._prepare_endpoint_vals(), logistics_inbound_profile_id=profile.id)
        )
        recipe = self.env["logistics.auth.recipe"].create(self._prepare_recipe_vals(endpoint))
        generator = self.env["logistics.auth.secret.wizard"].create(
            {"recipe_id": recipe.id, "source": "generate", "label": _("Onboarding")}
        )
        generator.action_confirm()
        secret = generator.value
        generator.action_done()
        self.write(
            {"endpoint_id": endpoint.id, "profile_id": profile.id, "secret": secret, "step": "done"}
        )
        return self._reopen()

    def action_done(self):
        """The URL and the secret were handed over: the secret is not kept here any longer."""
        self.secret = False
        return {"type": "ir.actions.act_window_close"}

    def action_open_endpoint(self):
        self.ensure_one()
        self.secret = False
        return {
            "type": "ir.actions.act_window",
            "res_model": "logistics.endpoint",
            "res_id": self.endpoint_id.id,
            "view_mode": "form",
        }

    # Helpers

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Onboarding Assistant"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _check_endpoint(self):
        """Name and code present, the code a technical name not used in the company."""
        if not self.name or not self.code:
            raise UserError(_("Give the partner a name and an endpoint code."))
        endpoints = self.env["logistics.endpoint"]
        endpoints._assert_technical_code(self.code, _("Endpoint"))
        if endpoints.with_context(active_test=False).search_count(
            [("code", "=", self.code), ("company_id", "=", self.company_id.id)], limit=1
        ):
            raise UserError(_("Endpoint code %(code)s is already used.", code=self.code))

    def _parsed_sample(self):
        """The sample as JSON, the X12 text itself, or None when there is none."""
        text = (self.sample or "").strip()
        if not text:
            return None
        if text.startswith("ISA"):
            return text
        try:
            return json.loads(text)
        except ValueError as exc:
            raise UserError(_("The sample is neither X12 nor JSON: %(error)s", error=exc)) from exc

    def _load_profile(self, profile):
        """Start from ``profile``'s paths; the bridge forwards documents whole."""
        self.write(
            {
                **{name: profile[name] for name in PROFILE_FIELDS},
                **dict.fromkeys(BRIDGE_PATH_FIELDS, False),
                "base_profile_id": profile.id,
                "proposal_note": False,
            }
        )

    def _load_proposal(self, proposal):
        sources = profile_sources(proposal)
        self.write(
            {
                **sources["profile"],
                **{name: sources["endpoint"][name] for name in BRIDGE_PATH_FIELDS},
                "base_profile_id": False,
                "proposal_note": self._describe(proposal),
            }
        )
        self._add_codes(proposal.status_codes)

    @api.model
    def _describe(self, proposal):
        """The runner-up candidates of each part, for a person to pick from."""
        lines = []
        for role, label in ROLE_LABELS.items():
            others = getattr(proposal, role)[1 : 1 + OTHER_CANDIDATES]
            if others:
                found = "; ".join(
                    f"{c.path} ({c.example})" if c.example else c.path for c in others
                )
                lines.append(f"{label}: {found}")
        return "\n".join(lines) or False

    def _add_codes(self, codes):
        """A mapping line for each new code, its milestone left to a person."""
        known = set(self.mapping_ids.mapped("raw_code"))
        known |= set(self.base_profile_id.status_mapping_ids.mapped("raw_code"))
        new = [code for code in dict.fromkeys(codes) if code not in known]
        self.mapping_ids = [fields.Command.create({"raw_code": code}) for code in new]

    def _prepare_profile_vals(self):
        """The new profile: the preset copied (with its mapping) or the proposed paths."""
        self.ensure_one()
        vals = {}
        mappings = []
        if self.base_profile_id:
            vals = self.base_profile_id.copy_data()[0]
            mappings = [
                {key: value for key, value in data.items() if key != "profile_id"}
                for data in self.base_profile_id.status_mapping_ids.copy_data()
            ]
        vals.update({name: self[name] for name in PROFILE_FIELDS})
        mappings += [
            {"raw_code": line.raw_code, "event_type_id": line.event_type_id.id}
            for line in self.mapping_ids.filtered("event_type_id")
        ]
        vals.update(
            {
                "name": _("%(partner)s documents", partner=self.name),
                "company_id": self.company_id.id,
                "status_mapping_ids": [fields.Command.create(m) for m in mappings],
            }
        )
        return vals

    def _prepare_endpoint_vals(self):
        self.ensure_one()
        vals = {
            "name": self.name,
            "code": self.code,
            "kind": self.kind,
            "company_id": self.company_id.id,
            "responsible_user_id": self.responsible_user_id.id,
            "inbound_format": self.document_format,
        }
        if self.document_format == "json":
            vals.update({name: self[name] or False for name in BRIDGE_PATH_FIELDS})
        return vals

    def _prepare_recipe_vals(self, endpoint):
        self.ensure_one()
        vals = {
            "endpoint_id": endpoint.id,
            "name": dict(ASSISTED_SCHEMES)[self.scheme],
            "scheme": self.scheme,
        }
        vals.update({name: self[name] for name in SCHEME_FIELDS.get(self.scheme, ())})
        return vals

    def _new_profile(self):
        """The profile as it would be saved, in memory."""
        return self.env["logistics.inbound.profile"].new(self._prepare_profile_vals())

    @api.model
    def _check_paths(self, profile):
        """What saving ``profile`` would refuse, before the partner's secret is made."""
        missing = [
            profile._fields[name].string
            for name in ("path_event_id", "path_shipment_reference")
            if not profile[name]
        ]
        if missing:
            raise UserError(_("Give a source for: %(fields)s.", fields=", ".join(missing)))
        profile._check_scalar_paths()
        profile._check_charge_paths()
        profile._check_raw_event_type()
        profile._check_shipment_match_order()
