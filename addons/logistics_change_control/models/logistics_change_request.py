import base64
import binascii
import hashlib
import json
import logging

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..bundle import (
    BUNDLE_FORMAT,
    BUNDLE_FORMAT_VERSION,
    BundleCodec,
    BundleError,
    check_document,
    content_hash,
    is_reference,
)

_logger = logging.getLogger(__name__)

ADMIN_GROUP = "logistics_integration.group_integration_admin"
#: Context key of writes that apply an approved change (and are not held again).
APPLY_CONTEXT = "logistics_change_apply"
ENDPOINT_MODEL = "logistics.endpoint"
GUARDED_ENDPOINT_FIELDS = ("base_url", "environment")
# A configuration bundle is a few hundred kB; far more is a wrong file, not one to parse.
MAX_BUNDLE_BYTES = 10 * 1024 * 1024


class LogisticsChangeRequest(models.Model):
    """A reviewable configuration change: a bundle imported from another database,
    or a held change of governed fields of one record. It is approved by a second
    Integration Administrator (never the requester), then applied; its lines keep
    what changed, old → new, with who asked, who approved and when."""

    _name = "logistics.change.request"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Configuration Change Request"
    _order = "id desc"

    name = fields.Char(required=True, readonly=True, default="/", copy=False)
    kind = fields.Selection(
        selection=[("bundle", "Configuration Bundle"), ("record", "Record Change")],
        required=True,
        default="bundle",
        readonly=True,
    )
    state = fields.Selection(
        selection=[
            ("draft", "Draft"),
            ("to_approve", "To Approve"),
            ("approved", "Approved"),
            ("applied", "Applied"),
            ("refused", "Refused"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="draft",
        readonly=True,
        tracking=True,
        copy=False,
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
        help="Records of this company (and shared ones) are compared and changed.",
    )
    requested_by_id = fields.Many2one(
        comodel_name="res.users",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
        tracking=True,
    )
    is_requester = fields.Boolean(
        compute="_compute_is_requester",
        help="The current user asked for this change: they may cancel it, not approve it.",
    )
    approved_by_id = fields.Many2one(
        comodel_name="res.users", readonly=True, tracking=True, copy=False
    )
    approved_date = fields.Datetime(readonly=True, copy=False)
    applied_date = fields.Datetime(readonly=True, copy=False)
    refusal_reason = fields.Text(readonly=True, copy=False)
    bundle_file = fields.Binary(string="Bundle", attachment=True)
    bundle_filename = fields.Char()
    source_database = fields.Char(readonly=True)
    source_environment = fields.Selection(
        selection=[("test", "Test"), ("production", "Production")], readonly=True
    )
    source_created_by = fields.Char(readonly=True)
    source_created_at = fields.Char(readonly=True)
    content_hash = fields.Char(readonly=True)
    url_mapping = fields.Text(
        string="Endpoint URL Mapping",
        help="One line per endpoint, code = URL: the URL this database uses for it "
        "instead of the bundle's (needed to import URLs of a production bundle into "
        "a database that is not production).",
    )
    guard_note = fields.Text(string="Environment Guard", readonly=True)
    res_model = fields.Char(string="Model", readonly=True)
    line_ids = fields.One2many(
        comodel_name="logistics.change.request.line", inverse_name="request_id", readonly=True
    )
    new_count = fields.Integer(compute="_compute_counts")
    changed_count = fields.Integer(compute="_compute_counts")
    unchanged_count = fields.Integer(compute="_compute_counts")
    absent_count = fields.Integer(compute="_compute_counts")
    preview_digest = fields.Char(readonly=True, copy=False)

    @api.depends("line_ids.action")
    def _compute_counts(self):
        for request in self:
            actions = request.line_ids.mapped("action")
            request.new_count = actions.count("new")
            request.changed_count = actions.count("changed")
            request.unchanged_count = actions.count("unchanged")
            request.absent_count = actions.count("absent")

    @api.depends("requested_by_id")
    @api.depends_context("uid")
    def _compute_is_requester(self):
        for request in self:
            request.is_requester = request.requested_by_id == self.env.user

    @api.model_create_multi
    def create(self, vals_list):
        sequence = self.env["ir.sequence"].sudo()
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = sequence.next_by_code("logistics.change.request") or "/"
        return super().create(vals_list)

    # -- rights --------------------------------------------------------------

    def _assert_admin(self):
        if not self.env.su and not self.env.user.has_group(ADMIN_GROUP):
            raise AccessError(_("Only Integration Administrators may change the configuration."))

    def _assert_state(self, *states):
        for request in self:
            if request.state not in states:
                raise UserError(
                    _(
                        "%(name)s is %(state)s: this step is not possible now.",
                        name=request.name,
                        state=dict(self._fields["state"]._description_selection(self.env))[
                            request.state
                        ],
                    )
                )

    # -- export --------------------------------------------------------------

    @api.model
    def export_bundle(self, company_id=None):
        """The configuration bundle of company ``company_id`` (default: the current
        one) as a dict: the records of every installed bundled model, without secrets."""
        self._assert_admin()
        company = self.env["res.company"].browse(company_id) if company_id else self.env.company
        change_models = self.env["logistics.change.model"].sudo()
        specs = change_models._get_specs()
        codec = BundleCodec(self.env, specs, company)
        records = []
        for model_name in specs:
            model = self.env[model_name].with_context(active_test=False)
            for record in model.search(codec.scope_domain(model_name), order="id"):
                records.append(codec.encode(record))
        skipped = [
            {"model": row.model, "reason": "not installed"}
            for row in change_models.search([("bundled", "=", True)])
            if not row.installed
        ]
        params = self.env["ir.config_parameter"].sudo()
        refusal = self.env[ENDPOINT_MODEL]._production_call_refusal()
        return {
            "format": BUNDLE_FORMAT,
            "format_version": BUNDLE_FORMAT_VERSION,
            "source": {
                "database": self.env.cr.dbname,
                "database_uuid": params.get_param("database.uuid"),
                "company": company.name,
            },
            "environment": "test" if refusal else "production",
            "created_by": self.env.user.login,
            "created_at": fields.Datetime.to_string(fields.Datetime.now()) + "Z",
            "skipped_models": skipped,
            "content_hash": content_hash(records),
            "records": records,
        }

    @api.model
    def _bundle_filename(self, document):
        stamp = document["created_at"].replace(" ", "T").replace(":", "")
        return f"config-bundle-{document['source']['database']}-{stamp}.json"

    # -- import and preview --------------------------------------------------

    @api.model
    @api.returns("self", lambda request: request.id)
    def import_bundle(self, document, company_id=None, url_mapping=None):
        """A change request for ``document`` (a dict or JSON text) into company
        ``company_id`` (default: the current one), previewed and waiting for approval."""
        self._assert_admin()
        if not isinstance(document, str):
            document = json.dumps(document, ensure_ascii=False)
        request = self.create(
            {
                "kind": "bundle",
                "company_id": company_id or self.env.company.id,
                "bundle_file": base64.b64encode(document.encode()),
                "bundle_filename": "bundle.json",
                "url_mapping": url_mapping,
            }
        )
        request.action_preview()
        return request

    def _read_bundle(self):
        self.ensure_one()
        if not self.bundle_file:
            raise ValidationError(_("Bundle: upload a configuration bundle (JSON) first."))
        try:
            raw = base64.b64decode(self.bundle_file)
        except binascii.Error as err:
            raise ValidationError(_("Bundle: not a JSON document (%(error)s).", error=err)) from err
        if len(raw) > MAX_BUNDLE_BYTES:
            raise ValidationError(
                _(
                    "Bundle: %(size).1f MB, more than the %(max)s MB a configuration bundle "
                    "may have: is it the right file?",
                    size=len(raw) / 1024 / 1024,
                    max=MAX_BUNDLE_BYTES // 1024 // 1024,
                )
            )
        try:
            document = json.loads(raw)
            check_document(document)
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise ValidationError(_("Bundle: not a JSON document (%(error)s).", error=err)) from err
        except RecursionError as err:
            raise ValidationError(_("Bundle: not a JSON document (nested too deeply).")) from err
        except BundleError as err:
            raise ValidationError(_("Bundle: %(error)s.", error=err)) from err
        return document

    def _parse_url_mapping(self):
        self.ensure_one()
        mapping = {}
        for number, raw in enumerate((self.url_mapping or "").splitlines(), start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            code, sep, url = line.partition("=")
            if not sep or not code.strip() or not url.strip().startswith(("http://", "https://")):
                raise ValidationError(
                    _(
                        "Endpoint URL Mapping, line %(number)s: expected code = http(s) URL, "
                        "got %(line)r.",
                        number=number,
                        line=line,
                    )
                )
            mapping[code.strip()] = url.strip()
        return mapping

    def _codec(self):
        self.ensure_one()
        specs = self.env["logistics.change.model"].sudo()._get_specs()
        return BundleCodec(self.env, specs, self.company_id)

    def _guard_endpoint(self, entry, record, guarded, url_mapping):
        """The endpoint entry's values under the environment guard, and its note."""
        values = dict(entry["values"])
        code = entry["key"].get("code")
        if code in url_mapping:
            values.update(base_url=url_mapping[code], environment="test")
            return values, _("URL mapped for this database: %(url)s", url=url_mapping[code])
        if not guarded:
            return values, False
        if record:
            for name in GUARDED_ENDPOINT_FIELDS:
                values.pop(name, None)
            if not record.active:
                # archived here (e.g. by the first import of this bundle): stays so
                values.pop("active", None)
            return values, _("Production bundle: this database's URL and environment kept.")
        values.update(base_url=None, active=False)
        return values, _("Production bundle: created archived and without URL.")

    def _compute_preview(self, document):
        """Line values comparing ``document`` with this database, and the guard's note."""
        self.ensure_one()
        codec = self._codec()
        url_mapping = self._parse_url_mapping()
        refusal = self.env[ENDPOINT_MODEL]._production_call_refusal()
        guarded = document["environment"] == "production" and bool(refusal)
        guard_note = (
            _(
                "The bundle comes from a production database and this database may not "
                "call production (%(reason)s): endpoints keep this database's URL and "
                "environment, new ones are created archived without URL, unless mapped "
                "below.",
                reason=refusal,
            )
            if guarded
            else False
        )
        order = {name: index for index, name in enumerate(codec.specs)}
        indexed = sorted(
            enumerate(document["records"]),
            key=lambda item: order.get(item[1]["model"], len(order)),
        )
        in_bundle = {
            json.dumps([entry["model"], entry["key"]], sort_keys=True)
            for entry in document["records"]
        }
        lines, matched, refusals = [], {}, []
        for index, entry in indexed:
            model_name = entry["model"]
            if model_name not in codec.specs:
                lines.append(
                    {
                        "model_name": model_name,
                        "record_label": codec.label(model_name, entry["key"]),
                        "action": "skipped",
                        "note": _("Not under change control or not installed here."),
                        "entry": entry,
                    }
                )
                continue
            ignored, problems = codec.value_problems(model_name, entry["key"], entry["values"])
            problems += self._missing_required_references(codec, model_name, entry, in_bundle)
            if problems:
                refusals += [f"records[{index}] {model_name}: {problem}" for problem in problems]
                continue
            bundled = set(codec.bundled_fields(model_name))
            entry = dict(
                entry,
                values={name: value for name, value in entry["values"].items() if name in bundled},
            )
            record = codec.find(model_name, entry.get("xmlid"), entry["key"], entry.get("shared"))
            note = False
            values = entry["values"]
            if model_name == ENDPOINT_MODEL:
                values, note = self._guard_endpoint(entry, record, guarded, url_mapping)
            note = "; ".join(
                filter(None, [note, *ignored, *self._unresolved_notes(codec, model_name, values)])
            )
            changes = {}
            for name, value in values.items():
                if not record:
                    changes[name] = ["", codec.display(value)]
                elif not codec.is_current(record, name, value):
                    current = codec.encode_value(record, name)
                    changes[name] = [codec.display(current), codec.display(value)]
            if record:
                matched.setdefault(model_name, set()).add(record.id)
            lines.append(
                {
                    "model_name": model_name,
                    "res_id": record.id if record else 0,
                    "record_label": codec.label(model_name, entry["key"]),
                    "action": "changed" if record and changes else "unchanged" if record else "new",
                    "changes": changes if record else {},
                    "note": note,
                    "entry": dict(entry, values=values),
                }
            )
        if refusals:
            raise ValidationError(_("Bundle: %(problems)s.", problems="; ".join(refusals)))
        for model_name in codec.specs:
            model = self.env[model_name].with_context(active_test=False)
            for record in model.search(codec.scope_domain(model_name), order="id"):
                if record.id not in matched.get(model_name, ()):
                    lines.append(
                        {
                            "model_name": model_name,
                            "res_id": record.id,
                            "record_label": codec.label(model_name, codec.key(record)),
                            "action": "absent",
                            "note": _("Only in this database: kept as it is."),
                        }
                    )
        return lines, guard_note

    @api.model
    def _unresolved_notes(self, codec, model_name, values):
        """The preview's reading of references naming no record here (left empty or out
        on *Apply*), as the apply notes them."""
        return codec.decode(model_name, values)[1]

    @api.model
    def _missing_required_references(self, codec, model_name, entry, in_bundle):
        """References of ``entry``'s key, and required ones of its values, that name a
        record neither here nor in the bundle: the record could not be matched, or
        created valid (an exchange type without its endpoint would become a template)."""
        model = self.env[model_name]
        problems = []
        needed = dict(entry["key"])
        needed.update(
            (name, value)
            for name, value in entry["values"].items()
            if name in model._fields and model._fields[name].required
        )
        for name, value in needed.items():
            field = model._fields.get(name)
            if not (field and field.type == "many2one" and is_reference(value)):
                continue
            known = json.dumps([value["model"], value["key"]], sort_keys=True) in in_bundle
            if not known and not codec.resolve(value):
                problems.append(f"{name}: {codec.display(value)} not found here nor in the bundle")
        return list(dict.fromkeys(problems))

    @api.model
    def _preview_digest(self, lines):
        summary = [
            [line["model_name"], line["record_label"], line["action"], line.get("changes") or {}]
            for line in lines
            if line["action"] in ("new", "changed")
        ]
        return hashlib.sha256(json.dumps(summary, sort_keys=True).encode()).hexdigest()

    def action_preview(self):
        """Compare the bundle with this database, line by line, and ask for approval."""
        self._assert_admin()
        self._assert_state("draft", "to_approve")
        for request in self.filtered(lambda r: r.kind == "bundle"):
            document = request._read_bundle()
            lines, guard_note = request._compute_preview(document)
            request.line_ids.unlink()
            request.write(
                {
                    "source_database": document.get("source", {}).get("database"),
                    "source_environment": document["environment"],
                    "source_created_by": document.get("created_by"),
                    "source_created_at": document.get("created_at"),
                    "content_hash": document["content_hash"],
                    "guard_note": guard_note,
                    "preview_digest": self._preview_digest(lines),
                    "line_ids": [
                        fields.Command.create(dict(line, sequence=index))
                        for index, line in enumerate(lines)
                    ],
                }
            )
            for note in document.get("skipped_models") or []:
                request.message_post(
                    body=_(
                        "The source skipped %(model)s: %(reason)s.",
                        model=note.get("model"),
                        reason=note.get("reason"),
                    )
                )
        self._submit()
        return True

    def _submit(self):
        """Ask a second Integration Administrator for approval."""
        for request in self.filtered(lambda r: r.state == "draft"):
            request.state = "to_approve"
            approver = request._get_approver()
            if approver:
                request.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=_("Approve configuration change %(name)s", name=request.name),
                    user_id=approver.id,
                )

    def _get_approver(self):
        """An Integration Administrator of the company other than the requester."""
        self.ensure_one()
        admins = (
            self.env.ref(ADMIN_GROUP)
            .sudo()
            .users.filtered(
                lambda user: (
                    not user.share
                    and user.active
                    and user != self.requested_by_id
                    and self.company_id in user.company_ids
                    and user.id != self.env.ref("base.user_root").id
                )
            )
        )
        return admins.sorted("id")[:1]

    # -- review --------------------------------------------------------------

    def action_approve(self):
        """Approve (a second Integration Administrator); a record change applies now."""
        self._assert_admin()
        self._assert_state("to_approve")
        for request in self:
            if request.requested_by_id == self.env.user:
                raise AccessError(
                    _(
                        "%(name)s was requested by you: a second Integration Administrator "
                        "must approve it.",
                        name=request.name,
                    )
                )
            request.write(
                {
                    "state": "approved",
                    "approved_by_id": self.env.user.id,
                    "approved_date": fields.Datetime.now(),
                }
            )
            request.activity_ids.action_feedback(feedback=_("Approved"))
        self.filtered(lambda r: r.kind == "record").action_apply()
        return True

    def action_refuse(self, reason=None):
        self._assert_admin()
        self._assert_state("to_approve", "approved")
        self.write({"state": "refused", "refusal_reason": reason or False})
        self.activity_ids.action_feedback(feedback=_("Refused"))
        return True

    def action_cancel(self):
        self._assert_admin()
        self._assert_state("draft", "to_approve", "approved")
        for request in self:
            if request.requested_by_id != self.env.user and not self.env.su:
                raise AccessError(_("Only the requester cancels a change request."))
        self.write({"state": "cancelled"})
        self.activity_ids.unlink()
        return True

    def action_apply(self):
        """Apply an approved change; a bundle only as approved (same preview)."""
        self._assert_admin()
        self._assert_state("approved")
        for request in self:
            if request.kind == "bundle":
                request._apply_bundle()
            else:
                request._apply_record_change()
            request.write({"state": "applied", "applied_date": fields.Datetime.now()})
            request.message_post(
                body=_(
                    "Applied: %(new)s new, %(changed)s changed.",
                    new=request.new_count,
                    changed=request.changed_count,
                )
            )
        return True

    def _apply_bundle(self):
        self.ensure_one()
        lines, _guard = self._compute_preview(self._read_bundle())
        if self._preview_digest(lines) != self.preview_digest:
            raise UserError(
                _(
                    "%(name)s: this database changed since the preview that was approved. "
                    "Refresh the preview and have it approved again.",
                    name=self.name,
                )
            )
        env = self.with_context(**{APPLY_CONTEXT: True, "active_test": False}).env
        specs = self.env["logistics.change.model"].sudo()._get_specs()
        codec = BundleCodec(env, specs, self.company_id)
        for line in self.line_ids.filtered(lambda line: line.action in ("new", "changed")):
            entry = line.entry
            model_name = entry["model"]
            record = codec.find(model_name, entry.get("xmlid"), entry["key"], entry.get("shared"))
            vals, notes = codec.decode(model_name, entry["values"])
            if codec.has_own_company(model_name):
                vals["company_id"] = False if entry.get("shared") else self.company_id.id
            if record:
                record.write(vals)
            else:
                record = env[model_name].with_company(self.company_id).create(vals)
            line.write({"res_id": record.id, "note": "; ".join(filter(None, [line.note, *notes]))})

    def _apply_record_change(self):
        self.ensure_one()
        model_env = self.with_context(**{APPLY_CONTEXT: True}).env
        for line in self.line_ids:
            model = model_env[line.model_name]
            if line.action == "new":
                line.res_id = model.create(line.entry["values"]).id
                continue
            record = model.browse(line.res_id).exists()
            if not record:
                line.note = _("The record was deleted before the change was approved.")
            elif line.action == "deleted":
                record.unlink()
            else:
                record.write(line.entry["values"])

    # -- held record changes -------------------------------------------------

    @api.model
    def _hold_for_approval(self, records, vals, field_names, domain):
        """Split a write: the records whose governed fields would change get a change
        request with those values (the live values stay); returns the records held
        and the values written to them at once."""
        governed = {name: vals[name] for name in field_names if name in vals}
        if not governed:
            return records.browse(), vals
        held = records.browse()
        for record in records.filtered_domain(domain):
            changes = {}
            for name, value in governed.items():
                old, new = (
                    self._display_field(record, name, record[name]),
                    self._display_field(record, name, value),
                )
                if old != new:
                    changes[name] = [old, new]
            if changes:
                held |= record
                self._request_record_change(record, "changed", governed, changes)
        rest = {name: value for name, value in vals.items() if name not in governed}
        return held, rest

    @api.model
    def _hold_creation(self, model, vals, field_names, domain):
        """A change request creating a record of ``model`` with ``vals`` when the
        new record would match ``domain``; True if held (nothing is created now).
        The request shows the governed fields the new record would have."""
        record = model.new(model._add_missing_default_values(vals))
        if not record.filtered_domain(domain):
            return False
        changes = {
            name: ["", self._display_field(record, name, record[name])] for name in field_names
        }
        changes = {name: change for name, change in changes.items() if change[1] != "-"}
        self._request_record_change(record, "new", vals, changes)
        return True

    @api.model
    def _hold_deletion(self, records, field_names, domain):
        """A change request deleting each of ``records`` that matches ``domain``;
        returns the records held (they stay until approved)."""
        held = records.filtered_domain(domain)
        for record in held:
            changes = {
                name: [self._display_field(record, name, record[name]), "-"]
                for name in field_names
                if name in record._fields
            }
            changes = {name: change for name, change in changes.items() if change[0] != "-"}
            self._request_record_change(record, "deleted", {}, changes)
        return held

    @api.model
    def _display_field(self, record, name, value):
        field = record._fields[name]
        if field.type == "many2one":
            value = record[name].browse(value) if isinstance(value, int) else value
            return value.display_name or "-"
        if field.type == "many2many":
            if isinstance(value, list):
                value = record[name].browse(self._command_ids(record[name].ids, value))
            return ", ".join(value.sorted("id").mapped("display_name")) or "-"
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value, value or "-")
        return "-" if value in (False, None, "") else str(value)

    @api.model
    def _command_ids(self, ids, commands):
        """The ids a many2many holds after ``commands`` (set, link, unlink, clear)."""
        result = list(ids)
        for command in commands:
            if isinstance(command, int):
                result.append(command)
            elif command[0] == fields.Command.SET:
                result = list(command[2])
            elif command[0] == fields.Command.LINK:
                result.append(command[1])
            elif command[0] in (fields.Command.UNLINK, fields.Command.DELETE):
                result = [id_ for id_ in result if id_ != command[1]]
            elif command[0] == fields.Command.CLEAR:
                result = []
        return sorted(set(result))

    @api.model
    def _request_record_change(self, record, action, values, changes):
        """A change request of ``record``: ``action`` is changed (``values`` are
        written), new (``record`` is a new record, created with ``values``) or
        deleted; the person is told it waits."""
        company = record.company_id if "company_id" in record._fields else False
        stored = isinstance(record.id, int)
        request = self.sudo().create(
            {
                "kind": "record",
                "company_id": (company or self.env.company).id,
                "requested_by_id": self.env.user.id,
                "res_model": record._name,
                "line_ids": [
                    fields.Command.create(
                        {
                            "model_name": record._name,
                            "res_id": record.id if stored else 0,
                            "record_label": record.display_name,
                            "action": action,
                            "changes": changes,
                            "entry": {"values": values},
                        }
                    )
                ],
            }
        )
        request._submit()
        messages = {
            "changed": _(
                "%(record)s keeps its current values until a second Integration "
                "Administrator approves %(name)s."
            ),
            "new": _(
                "%(record)s is created once a second Integration Administrator approves %(name)s."
            ),
            "deleted": _(
                "%(record)s stays until a second Integration Administrator approves "
                "its deletion, %(name)s."
            ),
        }
        self.env.user._bus_send(
            "simple_notification",
            {
                "type": "warning",
                "title": _("Change waits for approval"),
                "message": messages[action] % {"record": record.display_name, "name": request.name},
                "sticky": True,
            },
        )
        return request
