import logging
from datetime import UTC, datetime

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

from .. import contract

_logger = logging.getLogger(__name__)

BRIDGE_GROUP = "logistics_inbound.group_logistics_bridge"
ADMIN_GROUP = "logistics_integration.group_integration_admin"


class LogisticsBridgeRegistry(models.AbstractModel):
    """The inbound side of the endpoints, served to the bridges as one versioned document.

    The version is one row of ``logistics_bridge_registry_state``, incremented by an
    ``UPDATE … RETURNING`` in the transaction that changes an endpoint's inbound
    settings, a recipe or a secret. The row lock serializes concurrent changes and a
    reader only ever sees a committed version together with the data it describes, so
    a bridge that fetched version N has everything N stands for. The same row records
    until when secret expiries were looked at, so the cron bumps the version once per
    expiry.
    """

    _name = "logistics.bridge.registry"
    _description = "Bridge Endpoint Registry"

    def init(self):
        cr = self.env.cr
        cr.execute(
            """
            CREATE TABLE IF NOT EXISTS logistics_bridge_registry_state (
                id integer PRIMARY KEY CHECK (id = 1),
                version bigint NOT NULL,
                expiry_checked_at timestamp without time zone NOT NULL
            )
            """
        )
        cr.execute(
            """
            INSERT INTO logistics_bridge_registry_state (id, version, expiry_checked_at)
            VALUES (1, 1, now() AT TIME ZONE 'UTC')
            ON CONFLICT (id) DO NOTHING
            """
        )

    # RPC of the bridge and of the export command

    @api.model
    def registry_version(self):
        """``{"version": int}``: cheap, polled by every bridge every few seconds."""
        self._check_bridge()
        return {"version": self._current_version()}

    @api.model
    def registry(self):
        """The registry document of the bridge user's companies.

        ``{"version", "generated_at", "database", "endpoints": {code: entry}}``, the
        shape of ``logistics_contract.registry.Registry``. Only active endpoints with an
        inbound format and at least one usable recipe are listed. An endpoint whose
        settings the contract refuses is left out and logged: one bad endpoint must not
        take the others off the bridges.
        """
        self._check_bridge()
        return self._document()

    @api.model
    def import_endpoints(self, entries):
        """Create or update endpoints' inbound settings from registry entries.

        ``entries`` is ``{code: entry}`` as in the registry document (the bridge's
        TOML endpoint blocks). Endpoints are found by code in the current company
        (archived ones too) and created as carriers when missing; an entry is the
        whole inbound side: recipes are matched by position, secrets by value, and
        recipes or secrets the entry does not name are archived. The answer lists the
        codes by outcome: ``{"created": [...], "updated": [...], "unchanged": [...]}``;
        nothing is written when any entry is refused.
        """
        if not self.env.user.has_group(ADMIN_GROUP):
            raise AccessError(_("Only Integration Administrators may import endpoints."))
        if not isinstance(entries, dict):
            raise ValidationError(_("import_endpoints expects {code: endpoint settings}."))
        database = self._database()
        documents, problems = {}, []
        for code, entry in entries.items():
            try:
                documents[code] = contract.endpoint_document(entry)
            except contract.ValidationError as exc:
                problems += [f"{code}: {line}" for line in contract.error_lines(exc)]
                continue
            problems += [
                f"{code}: {line}"
                for line in contract.entry_problems(code, documents[code], database)
            ]
        if problems:
            raise ValidationError(
                _("Endpoints refused:\n%(problems)s", problems="\n".join(problems))
            )
        endpoints = self.env["logistics.endpoint"]
        answer = {"created": [], "updated": [], "unchanged": []}
        for code in sorted(documents):
            answer[endpoints._import_inbound(code, documents[code])].append(code)
        return answer

    # Version

    @api.model
    def _current_version(self):
        self.env.cr.execute("SELECT version FROM logistics_bridge_registry_state WHERE id = 1")
        return self.env.cr.fetchone()[0]

    @api.model
    def _bump_version(self):
        """Increment the version in this transaction; returns the new one."""
        self.env.cr.execute(
            "UPDATE logistics_bridge_registry_state SET version = version + 1 "
            "WHERE id = 1 RETURNING version"
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _cron_bump_on_expiry(self):
        """Increment the version when a secret expired since the last run.

        Bridges never use an expired secret; the new version makes them fetch a
        registry without it.
        """
        cr = self.env.cr
        now = fields.Datetime.now()
        cr.execute(
            "SELECT expiry_checked_at FROM logistics_bridge_registry_state WHERE id = 1 FOR UPDATE"
        )
        since = cr.fetchone()[0]
        expired = (
            self.env["logistics.auth.secret"]
            .sudo()
            .search_count([("expires_at", ">", since), ("expires_at", "<=", now)], limit=1)
        )
        if expired:
            self._bump_version()
        cr.execute(
            "UPDATE logistics_bridge_registry_state SET expiry_checked_at = %s WHERE id = 1",
            [now],
        )

    # Document

    def _check_bridge(self):
        if not self.env.user.has_group(BRIDGE_GROUP):
            raise AccessError(_("Only the Logistics Bridge may read the endpoint registry."))

    @api.model
    def _document(self):
        now = fields.Datetime.now()
        version = self._current_version()
        database = self._database()
        # The bridge reads recipes and secrets under its own rights; of an endpoint it
        # only learns the settings of the entry, so endpoints are read as superuser.
        endpoints = (
            self.env["logistics.endpoint"]
            .sudo()
            .search(
                [
                    ("inbound_format", "!=", False),
                    ("company_id", "in", self.env.user.company_ids.ids),
                ]
            )
        )
        recipes = self.env["logistics.auth.recipe"].search([("endpoint_id", "in", endpoints.ids)])
        document_endpoints = {}
        for endpoint in endpoints:
            if endpoint.code in document_endpoints:
                # ingest_events answers for the first endpoint of a code; so does the registry
                _logger.warning(
                    "Registry: endpoint code %s is used in several companies of the bridge "
                    "user; the one of %s is left out",
                    endpoint.code,
                    endpoint.company_id.name,
                )
                continue
            entry = endpoint._registry_entry(
                now, recipes.filtered(lambda r, e=endpoint: r.endpoint_id.id == e.id)
            )
            if not entry["auth"]:
                continue
            problems = contract.entry_problems(endpoint.code, entry, database)
            if profile_problem := endpoint._get_inbound_profile_problem():
                problems.append(profile_problem)
            if problems:
                _logger.error(
                    "Registry: endpoint %s left out, its settings are refused: %s",
                    endpoint.code,
                    "; ".join(problems),
                )
                continue
            document_endpoints[endpoint.code] = entry
        document = {
            "version": version,
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": database,
            "endpoints": document_endpoints,
        }
        # each entry passed on its own; together they must too
        contract.validate_registry(document)
        return document

    @api.model
    def _database(self):
        return self.env["ir.config_parameter"].sudo().get_param("database.uuid")
