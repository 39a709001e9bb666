"""Configuration bundles: records encoded by stable keys, never by database id.

A bundle lists records of the governed models (``logistics.change.model``) with
their values; a reference to another record is its xml id and its natural key,
so the bundle can be matched against any database. Nothing in this module
writes: it encodes, matches and decodes; the change request applies.
"""

import hashlib
import json
import logging

from odoo import Command, fields
from odoo.models import MAGIC_COLUMNS

_logger = logging.getLogger(__name__)

BUNDLE_FORMAT = "logistics-config-bundle"
BUNDLE_FORMAT_VERSION = 1
# Field types a bundle carries; one2many lines are records of their own model.
PLAIN_TYPES = {
    "char",
    "text",
    "html",
    "selection",
    "integer",
    "float",
    "monetary",
    "boolean",
    "date",
    "datetime",
    "json",
}
RELATION_TYPES = {"many2one", "many2many"}
SKIPPED_COLUMNS = set(MAGIC_COLUMNS) | {"display_name"}
# Never in a bundle, whatever the model: values of these names are secrets.
SECRET_NAME_PARTS = ("secret", "password", "passwd", "private_key")
# Key field of models outside the bundle, matched by it when they have no xml id.
FOREIGN_KEY_FIELDS = {"res.users": "login", "res.partner": "email"}


class BundleError(ValueError):
    """A bundle that cannot be read: wrong format, version or content hash."""


def content_hash(records):
    """sha256 of the records in canonical JSON (sorted keys, no spaces)."""
    canonical = json.dumps(records, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def check_document(document):
    """Raise BundleError unless ``document`` is a readable bundle of this format."""
    if not isinstance(document, dict):
        raise BundleError("a bundle is a JSON object")
    if document.get("format") != BUNDLE_FORMAT:
        raise BundleError(f"format: expected {BUNDLE_FORMAT!r}, got {document.get('format')!r}")
    if document.get("format_version") != BUNDLE_FORMAT_VERSION:
        raise BundleError(
            f"format_version: expected {BUNDLE_FORMAT_VERSION}, "
            f"got {document.get('format_version')!r}"
        )
    records = document.get("records")
    if not isinstance(records, list):
        raise BundleError("records: expected a list")
    if document.get("environment") not in ("test", "production"):
        raise BundleError("environment: expected 'test' or 'production'")
    expected = content_hash(records)
    if document.get("content_hash") != expected:
        raise BundleError(
            f"content_hash: the records hash to {expected}, "
            f"not {document.get('content_hash')!r} (the bundle was changed or cut)"
        )
    for index, entry in enumerate(records):
        if not isinstance(entry, dict) or not {"model", "key", "values"} <= set(entry):
            raise BundleError(f"records[{index}]: expected model, key and values")
        if not isinstance(entry["model"], str):
            raise BundleError(f"records[{index}]: model: expected a model name")
        for part in ("key", "values"):
            if not isinstance(entry[part], dict):
                raise BundleError(f"records[{index}]: {part}: expected an object")
        if not isinstance(entry.get("xmlid"), str | None):
            raise BundleError(f"records[{index}]: xmlid: expected a text or null")


def is_reference(value):
    """Whether ``value`` has the shape of a reference: ``{"model", "xmlid", "key"}``."""
    return (
        isinstance(value, dict)
        and isinstance(value.get("model"), str)
        and isinstance(value.get("key"), dict)
        and isinstance(value.get("xmlid"), str | None)
    )


def shape_problem(field_type, value):
    """Why ``value`` cannot be a bundle value of a field of ``field_type``, or None."""
    if field_type == "many2one":
        return None if value is None or is_reference(value) else "expected a reference or null"
    if field_type == "many2many":
        if value is None or (isinstance(value, list) and all(map(is_reference, value))):
            return None
        return "expected a list of references"
    if field_type == "json" or value is None or isinstance(value, str | int | float | bool):
        return None
    return "expected a plain value"


class BundleCodec:
    """Encodes records of one database and finds their matches in another.

    ``specs`` maps each governed model name to its ``logistics.change.model``
    record; ``company`` is the company whose records are exported or matched
    (records shared by every company are included).
    """

    def __init__(self, env, specs, company):
        self.env = env
        self.specs = specs
        self.company = company

    # -- fields --------------------------------------------------------------

    def bundled_fields(self, model_name):
        return self.specs[model_name]._get_bundled_fields()

    def has_own_company(self, model_name):
        """Whether the model's company is a field of its own (not related)."""
        field = self.env[model_name]._fields.get("company_id")
        return bool(field and field.store and not field.related)

    # -- encoding ------------------------------------------------------------

    def xmlid(self, record):
        data = (
            self.env["ir.model.data"]
            .sudo()
            .search([("model", "=", record._name), ("res_id", "=", record.id)], order="id", limit=1)
        )
        return f"{data.module}.{data.name}" if data else None

    def key(self, record):
        """The natural key of ``record``: its key fields, references as references."""
        if record._name in self.specs:
            names = self.specs[record._name]._get_key_fields()
        else:
            names = [self.foreign_key_field(record._name)]
        return {name: self.encode_value(record, name) for name in names}

    def foreign_key_field(self, model_name):
        model = self.env[model_name]
        if model_name in FOREIGN_KEY_FIELDS:
            return FOREIGN_KEY_FIELDS[model_name]
        return "code" if "code" in model._fields else model._rec_name or "display_name"

    def reference(self, record):
        if not record:
            return None
        return {"model": record._name, "xmlid": self.xmlid(record), "key": self.key(record)}

    def encode_value(self, record, name):
        field = record._fields[name]
        value = record[name]
        if field.type == "many2one":
            return self.reference(value)
        if field.type == "many2many":
            refs = [self.reference(line) for line in value]
            return sorted(refs, key=lambda ref: json.dumps(ref, sort_keys=True))
        if field.type == "datetime":
            return fields.Datetime.to_string(value) if value else None
        if field.type == "date":
            return fields.Date.to_string(value) if value else None
        if value is False and field.type not in ("boolean", "integer", "float", "monetary"):
            return None
        return value

    def encode(self, record):
        """One bundle entry for ``record``."""
        entry = {
            "model": record._name,
            "xmlid": self.xmlid(record),
            "key": self.key(record),
            "values": {
                name: self.encode_value(record, name) for name in self.bundled_fields(record._name)
            },
        }
        if self.has_own_company(record._name):
            entry["shared"] = not record.company_id
        return entry

    def scope_domain(self, model_name, shared=None):
        """Records of the company (``shared`` None: and shared ones; True: shared only)."""
        if not self.has_own_company(model_name):
            if "company_id" in self.env[model_name]._fields:
                return [("company_id", "in", [self.company.id, False])]
            return []
        if shared is None:
            return [("company_id", "in", [self.company.id, False])]
        return [("company_id", "=", False if shared else self.company.id)]

    def is_current(self, record, name, value):
        """Whether ``record`` already holds the bundle's ``value`` of ``name``:
        references compare by the records they name here, not by their encoding."""
        field = record._fields[name]
        if field.type == "many2one":
            target = self.resolve(value)
            return record[name] == (target or record[name].browse())
        if field.type == "many2many":
            targets = [self.resolve(ref) for ref in value or []]
            return None not in targets and set(record[name].ids) == {t.id for t in targets}
        return self.encode_value(record, name) == value

    # -- matching ------------------------------------------------------------

    def resolve(self, ref):
        """The record ``ref`` names in this database and company, or None."""
        if not ref:
            return None
        model_name = ref.get("model")
        if model_name not in self.env:
            return None
        return self.find(model_name, ref.get("xmlid"), ref.get("key") or {}, ref.get("shared"))

    def find(self, model_name, xmlid, key, shared=None):
        """Match by xml id when it names a record of this scope, else by natural key."""
        model = self.env[model_name].with_context(active_test=False)
        scope = self.scope_domain(model_name, shared) if model_name in self.specs else []
        if xmlid:
            record = self.env.ref(xmlid, raise_if_not_found=False)
            if record and record._name == model_name and record.filtered_domain(scope):
                return record.with_context(active_test=False)
        domain = list(scope)
        for name, value in key.items():
            if name not in model._fields:
                return None
            if model._fields[name].type == "many2one":
                target = self.resolve(value) if value else None
                if value and not target:
                    return None
                domain.append((name, "=", target.id if target else False))
            else:
                domain.append((name, "=", value if value is not None else False))
        return model.search(domain, order="id", limit=1) or None

    def label(self, model_name, key):
        """A person's reading of a natural key: values joined by /."""
        parts = []
        for value in key.values():
            if isinstance(value, dict):
                parts.append(self.label(value.get("model"), value.get("key") or {}))
            elif value not in (None, False, ""):
                parts.append(str(value))
        return " / ".join(parts) or "-"

    def display(self, value):
        """A bundle value as a person reads it in the preview."""
        if isinstance(value, dict) and "key" in value:
            return self.label(value.get("model"), value["key"])
        if isinstance(value, list):
            return ", ".join(self.display(item) for item in value) or "-"
        if value in (None, False, ""):
            return "-"
        return str(value)

    # -- decoding ------------------------------------------------------------

    def value_problems(self, model_name, key, values):
        """What a bundle entry may not carry: values of fields that are not bundled
        (secrets, the company, read-only or unknown ones: ignored), and key fields that
        are not the model's or values not of their field's shape (the entry is refused);
        ``(ignored field notes, problems)``."""
        bundled = set(self.bundled_fields(model_name))
        key_fields = set(self.specs[model_name]._get_key_fields())
        model = self.env[model_name]
        ignored, problems = [], []
        for name, value in key.items():
            if name not in key_fields:
                problems.append(f"key.{name}: not a key field of {model_name}")
            elif problem := shape_problem(model._fields[name].type, value):
                problems.append(f"key.{name}: {problem}")
        for name, value in values.items():
            if name not in bundled:
                ignored.append(f"{name}: not a field a bundle carries here, ignored")
            elif problem := shape_problem(model._fields[name].type, value):
                problems.append(f"{name}: {problem}")
        return ignored, problems

    def decode(self, model_name, values):
        """Write values for ``values`` of a bundle entry, and notes on what was left out.
        Only the fields a bundle carries are written, whatever else the entry holds."""
        bundled = set(self.bundled_fields(model_name))
        model = self.env[model_name]
        vals, notes = {}, []
        for name, value in values.items():
            field = model._fields.get(name)
            if name not in bundled:
                continue
            if field.type == "many2one":
                target = self.resolve(value)
                if value and not target:
                    notes.append(f"{name}: {self.display(value)} not found here, left empty")
                vals[name] = target.id if target else False
            elif field.type == "many2many":
                ids = []
                for ref in value or []:
                    target = self.resolve(ref)
                    if target:
                        ids.append(target.id)
                    else:
                        notes.append(f"{name}: {self.display(ref)} not found here, left out")
                vals[name] = [Command.set(ids)]
            else:
                vals[name] = False if value is None else value
        return vals, notes
