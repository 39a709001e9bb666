import json
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tools import format_date

from ..models.logistics_ingest import BRIDGE_GROUP

LIFETIMES = [
    ("30", "30 days"),
    ("90", "90 days"),
    ("180", "180 days"),
    ("365", "1 year"),
]


def _toml_string(value):
    # A JSON string is a valid TOML basic string: same quotes, same escapes.
    return json.dumps(value, ensure_ascii=False)


class LogisticsBridgeConnect(models.TransientModel):
    """Create or rotate the bridge's Odoo user and its API key.

    The bridge calls JSON-RPC as a technical user whose only group is Logistics
    Bridge: no internal or portal user type, so it can sign in nowhere and call
    nothing but what that group allows, and an API key authenticates RPC for
    any active user. Odoo's own key wizard serves internal users making their
    own keys (one day at most unless a group allows more); this wizard makes the
    key server side, as superuser on behalf of the bridge user, with the
    lifetime chosen here. A maximum set on the bridge group itself
    (*API Keys maximum duration*) is still honoured.
    """

    _name = "logistics.bridge.connect"
    _description = "Connect a Bridge"

    login = fields.Char(
        required=True,
        default="logistics-bridge",
        help="The bridge user's login: created when no user has it, otherwise given a "
        "new key and set back to the Logistics Bridge group only.",
    )
    name = fields.Char(required=True, default="Logistics Bridge")
    lifetime = fields.Selection(
        selection=LIFETIMES,
        string="Key lifetime",
        required=True,
        default=lambda self: self._default_lifetime(),
        help="Forwarding stops when the key expires: connect again before then "
        "(Settings > Logistics shows each bridge user's expiry).",
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
        help="The only company of the bridge user: it ingests events for this company's endpoints.",
    )
    revoke_older_keys = fields.Boolean(
        default=True,
        help="Remove the user's other API keys now. Leave it off while several bridges "
        "share the user, until each has the new key.",
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Existing user",
        compute="_compute_user_id",
        help="The user already having this login, if any.",
    )
    user_has_other_groups = fields.Boolean(compute="_compute_user_id")
    max_lifetime_days = fields.Integer(
        string="Longest lifetime allowed (days)",
        compute="_compute_max_lifetime_days",
        help="The longest key lifetime the Logistics Bridge group allows (0: no limit).",
    )

    @api.depends("login")
    def _compute_user_id(self):
        bridge_group = self.env.ref(BRIDGE_GROUP)
        for wizard in self:
            user = wizard._find_user()
            wizard.user_id = user
            wizard.user_has_other_groups = bool(user and user.groups_id != bridge_group)

    def _compute_max_lifetime_days(self):
        self.max_lifetime_days = self._bridge_max_lifetime_days()

    @api.constrains("lifetime")
    def _check_lifetime(self):
        limit = self._bridge_max_lifetime_days()
        for wizard in self:
            if limit and int(wizard.lifetime) > limit:
                raise ValidationError(
                    _(
                        "The Logistics Bridge group allows API keys of at most %(days)s "
                        "days (its API Keys maximum duration). Choose a shorter lifetime, "
                        "or raise that maximum on the group.",
                        days=limit,
                    )
                )

    @api.model
    def _default_lifetime(self):
        """The longest lifetime the bridge group allows."""
        limit = self._bridge_max_lifetime_days()
        allowed = [days for days, _label in LIFETIMES if not limit or int(days) <= limit]
        return (allowed or [LIFETIMES[0][0]])[-1]

    @api.model
    def _bridge_max_lifetime_days(self):
        """The key lifetime limit the bridge user's groups set, as Odoo reads it
        (the largest of them), or 0 when none of them sets one."""
        bridge_group = self.env.ref(BRIDGE_GROUP).sudo()
        groups = bridge_group | bridge_group.trans_implied_ids
        return int(max(groups.mapped("api_key_duration"), default=0))

    def _find_user(self):
        self.ensure_one()
        if not self.login:
            return self.env["res.users"]
        return (
            self.env["res.users"]
            .sudo()
            .with_context(active_test=False)
            .search([("login", "=", self.login.strip())], limit=1)
        )

    def _check_may_connect(self, user):
        """Refuse what the superuser would otherwise do blindly: a company the
        current user has no access to, or turning an administrator, or oneself,
        into the bridge (their groups would be taken away)."""
        if self.company_id not in self.env.user.company_ids:
            raise UserError(_("You can only connect a bridge for one of your companies."))
        if not user:
            return
        if user == self.env.user:
            raise UserError(_("Your own user cannot become the bridge user; choose another login."))
        if user._is_superuser() or user._is_admin():
            raise UserError(
                _(
                    "%(user)s administers users and access rights and cannot become the "
                    "bridge user; choose another login.",
                    user=user.display_name,
                )
            )

    def _connect(self):
        """Create or update the bridge user and generate its API key.

        The user ends with exactly the Logistics Bridge group and the chosen
        company, whatever it had before. Returns ``(user, key)``; the key is not
        kept anywhere in clear, so this is the only time it can be read.
        """
        self.ensure_one()
        user = self._find_user()
        self._check_may_connect(user)
        bridge_group = self.env.ref(BRIDGE_GROUP)
        values = {
            "name": self.name,
            "active": True,
            "company_id": self.company_id.id,
            "company_ids": [Command.set(self.company_id.ids)],
            "groups_id": [Command.set(bridge_group.ids)],
        }
        if user:
            user.write(values)
        else:
            user = (
                self.env["res.users"]
                .sudo()
                .with_context(no_reset_password=True)
                .create(dict(values, login=self.login.strip()))
            )
        older_keys = user.api_key_ids
        today = fields.Date.context_today(self)
        expiration = fields.Datetime.now() + timedelta(days=int(self.lifetime))
        key = (
            self.env["res.users.apikeys"]
            .with_user(user)
            .sudo()
            ._generate(None, f"Logistics bridge {today}", expiration)
        )
        if self.revoke_older_keys and older_keys:
            older_keys._remove()
            # res.users.check caches accepted (uid, key) pairs in every worker.
            self.env.registry.clear_cache()
        # The key was inserted in SQL, behind the ORM's back.
        user.invalidate_recordset(["api_key_ids"])
        return user, key

    def action_connect(self):
        """Button: connect, then show the bridge's [odoo] settings once."""
        self.ensure_one()
        user, key = self._connect()
        key_record = user.api_key_ids.sorted("id")[-1:]
        return {
            "type": "ir.actions.act_window",
            "res_model": "logistics.bridge.connect.result",
            "name": _("Bridge settings"),
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_login": user.login,
                "default_expiration_date": fields.Datetime.to_string(key_record.expiration_date),
                "default_snippet": self._snippet(user, key),
            },
        }

    def _snippet(self, user, key):
        """The ``[odoo]`` table of the bridge's TOML configuration."""
        params = self.env["ir.config_parameter"].sudo()
        values = {
            "url": params.get_param("web.base.url"),
            "db": self.env.cr.dbname,
            "login": user.login,
            "api_key": key,
        }
        lines = ["[odoo]"] + [f"{name} = {_toml_string(value)}" for name, value in values.items()]
        return "\n".join(lines) + "\n"

    @api.model
    def _bridge_user_lines(self):
        """One line per bridge user: its login and the expiry of its newest key."""
        users = self.env.ref(BRIDGE_GROUP).sudo().users.sorted("login")
        now = fields.Datetime.now()
        lines = []
        for user in users:
            newest = user.api_key_ids.sorted("id")[-1:]
            if not newest:
                state = _("no API key")
            elif not newest.expiration_date:
                state = _("key does not expire")
            elif newest.expiration_date < now:
                state = _(
                    "key expired on %(date)s",
                    date=format_date(self.env, newest.expiration_date),
                )
            else:
                state = _(
                    "key expires on %(date)s",
                    date=format_date(self.env, newest.expiration_date),
                )
            lines.append(f"{user.login}: {state}")
        return lines
