import json
import tomllib
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessDenied, AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user
from odoo.tools import format_date

from .common import LogisticsInboundSourceCase

BRIDGE_GROUP = "logistics_inbound.group_logistics_bridge"
LOGIN = "bridge-under-test"


class BridgeConnectCase(LogisticsInboundSourceCase):
    """A carrier endpoint reading tms-event envelopes, and the wizard as its admin runs it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        profile = cls._create_envelope_profile()
        cls.carrier = cls._carrier_endpoint(profile)
        cls.shipment = cls._create_shipment()
        cls.bridge_group = cls.env.ref(BRIDGE_GROUP)

    def _envelope(self, event_id="connect-1"):
        return {
            "event_id": event_id,
            "event_type": "status",
            "shipment_reference": self.shipment.name,
            "occurred_at": "2026-03-02T08:00:00+00:00",
            "payload": {"status_code": "AF", "event_time": "2026-03-02T08:00:00+00:00"},
        }

    def _connect(self, **values):
        """Run the wizard as an Integration Administrator; the [odoo] table it shows."""
        wizard = (
            self.env["logistics.bridge.connect"]
            .with_user(self.integration_admin)
            .create(dict({"login": LOGIN}, **values))
        )
        action = wizard.action_connect()
        self.assertEqual(action["res_model"], "logistics.bridge.connect.result")
        settings = tomllib.loads(action["context"]["default_snippet"])["odoo"]
        # The wizard's row keeps nothing of the key once the button has run.
        self.assertNotIn(settings["api_key"], json.dumps(wizard.read(), default=str))
        return settings

    def _bridge_user(self):
        return self.env["res.users"].search([("login", "=", LOGIN)])

    def _authenticates(self, user, key):
        """Whether ``key`` signs ``user`` in for RPC, as execute_kw checks it."""
        credential = {"type": "password", "login": user.login, "password": key}
        try:
            info = user.with_user(user)._check_credentials(credential, {"interactive": False})
        except AccessDenied:
            return False
        return info["uid"] == user.id and info["auth_method"] == "apikey"


class TestBridgeConnect(BridgeConnectCase):
    def test_new_user_has_the_bridge_group_only_and_its_key_ingests(self):
        settings = self._connect()
        user = self._bridge_user()
        self.assertEqual(user.groups_id, self.bridge_group)
        self.assertTrue(user.share, "no internal user type: the user can sign in nowhere")
        self.assertEqual(user.company_ids, self.company)
        self.assertEqual(user.company_id, self.company)
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url")
        self.assertEqual(
            {k: v for k, v in settings.items() if k != "api_key"},
            {"url": base_url, "db": self.env.cr.dbname, "login": LOGIN},
        )
        self.assertTrue(self._authenticates(user, settings["api_key"]))
        self.assertFalse(self._authenticates(user, "0" * len(settings["api_key"])))

        [answer] = self._ingest_with(user, self._envelope())
        self.assertIn(answer["result"], ("processed", "needs_review"), answer["reason"])
        self.assertEqual(self.shipment.milestone_ids.event_type_id.code, "picked_up")

    def _ingest_with(self, user, *events):
        ingest = self.env["logistics.ingest"].with_user(user)
        return ingest.ingest_events(self.carrier.code, list(events))

    def test_key_is_named_with_the_date_and_expires_after_the_lifetime(self):
        self._connect(lifetime="90")
        key = self._bridge_user().api_key_ids
        # The date in the administrator's time zone, as the wizard run by them wrote it.
        today = fields.Date.context_today(key.with_user(self.integration_admin))
        self.assertEqual(key.name, f"Logistics bridge {today}")
        self.assertFalse(key.scope, "an RPC key is a global key")
        expected = fields.Datetime.now() + timedelta(days=90)
        self.assertLess(abs(key.expiration_date - expected), timedelta(minutes=5))

    def test_rotation_with_revoke_leaves_only_the_new_key(self):
        old = self._connect()["api_key"]
        user = self._bridge_user()
        new = self._connect(revoke_older_keys=True)["api_key"]
        self.assertEqual(len(user.api_key_ids), 1)
        self.assertTrue(self._authenticates(user, new))
        self.assertFalse(self._authenticates(user, old))

    def test_rotation_without_revoke_keeps_the_old_key_working(self):
        old = self._connect()["api_key"]
        user = self._bridge_user()
        new = self._connect(revoke_older_keys=False)["api_key"]
        self.assertEqual(len(user.api_key_ids), 2)
        self.assertTrue(self._authenticates(user, old))
        self.assertTrue(self._authenticates(user, new))

    def test_existing_user_with_other_groups_ends_with_the_bridge_group_only(self):
        # The old workaround: an internal user that also had the bridge group.
        user = new_test_user(
            self.env,
            login=LOGIN,
            groups=f"base.group_user,{BRIDGE_GROUP},logistics_integration.group_logistics_manager",
            company_id=self.company.id,
            company_ids=[(6, 0, (self.company | self.other_company).ids)],
        )
        wizard = (
            self.env["logistics.bridge.connect"]
            .with_user(self.integration_admin)
            .create({"login": LOGIN})
        )
        self.assertEqual(wizard.user_id, user)
        self.assertTrue(wizard.user_has_other_groups)
        settings = tomllib.loads(wizard.action_connect()["context"]["default_snippet"])["odoo"]
        self.assertEqual(self._bridge_user(), user, "the user is reused, not duplicated")
        self.assertEqual(user.groups_id, self.bridge_group)
        self.assertTrue(user.share)
        self.assertEqual(user.company_ids, self.company)
        self.assertTrue(self._authenticates(user, settings["api_key"]))
        [answer] = self._ingest_with(user, self._envelope())
        self.assertIn(answer["result"], ("processed", "needs_review"), answer["reason"])

    def test_an_archived_bridge_user_is_reactivated(self):
        self._connect()
        user = self._bridge_user()
        user.active = False
        settings = self._connect()
        self.assertTrue(user.active)
        self.assertTrue(self._authenticates(user, settings["api_key"]))

    def test_logistics_manager_cannot_connect_a_bridge(self):
        with self.assertRaises(AccessError):
            self.env["logistics.bridge.connect"].with_user(self.logistics_manager).create(
                {"login": LOGIN}
            )
        self.assertFalse(self._bridge_user())

    def test_administrators_and_oneself_are_refused(self):
        admin = self.env.ref("base.user_admin")
        for login in (admin.login, self.integration_admin.login):
            wizard = (
                self.env["logistics.bridge.connect"]
                .with_user(self.integration_admin)
                .create({"login": login})
            )
            with self.assertRaises(UserError):
                wizard.action_connect()
        self.assertIn(self.env.ref("base.group_system"), admin.groups_id)
        self.assertFalse(self.integration_admin.share)

    def test_group_limit_refuses_longer_lifetimes(self):
        self.bridge_group.api_key_duration = 60
        wizards = self.env["logistics.bridge.connect"].with_user(self.integration_admin)
        with self.assertRaisesRegex(ValidationError, "at most 60 days"):
            wizards.create({"login": LOGIN, "lifetime": "90"})
        self.assertFalse(self._bridge_user())
        wizard = wizards.create({"login": LOGIN})
        self.assertEqual(wizard.max_lifetime_days, 60)
        self.assertEqual(wizard.lifetime, "30", "the default is the longest allowed")
        self.assertTrue(self._connect(lifetime="30")["api_key"])

    def test_settings_list_bridge_users_and_their_key_expiry(self):
        self.env.ref(BRIDGE_GROUP).users.action_archive()
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.logistics_bridge_users, "No bridge user yet.")
        self._connect(lifetime="30")
        user = self._bridge_user()
        self.env["res.config.settings"].invalidate_model(["logistics_bridge_users"])
        line = self.env["res.config.settings"].create({}).logistics_bridge_users
        expiry = format_date(self.env, user.api_key_ids.expiration_date)
        self.assertIn(f"{LOGIN}: key expires on {expiry}", line.splitlines())


@tagged("post_install", "-at_install")
class TestBridgeConnectOverHttp(BridgeConnectCase, HttpCase):
    """The bridge's own calls, over Odoo's HTTP server, with the key the wizard made.

    ``tests/run`` runs this on the database installed without demo data too.
    """

    def _rpc(self, service, method, *args):
        response = self.url_open(
            "/jsonrpc",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {"service": service, "method": method, "args": list(args)},
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        response.raise_for_status()
        answer = response.json()
        self.assertNotIn("error", answer)
        return answer["result"]

    def _ingest_over_rpc(self, *events):
        """Connect a bridge, sign in with its key and send ``events``; the answers."""
        settings = self._connect()
        uid = self._rpc(
            "common", "authenticate", settings["db"], settings["login"], settings["api_key"], {}
        )
        self.assertEqual(uid, self._bridge_user().id)
        return self._rpc(
            "object",
            "execute_kw",
            settings["db"],
            uid,
            settings["api_key"],
            "logistics.ingest",
            "ingest_events",
            [self.carrier.code, list(events)],
            {},
        )

    def test_bridge_authenticates_and_ingests_over_jsonrpc(self):
        [answer] = self._ingest_over_rpc(self._envelope("over-http-1"))
        self.assertEqual(answer["event_id"], "over-http-1")
        self.assertIn(answer["result"], ("processed", "needs_review"), answer["reason"])
        self.assertEqual(self.shipment.milestone_ids.external_event_id, "over-http-1")

    def test_text_no_column_can_hold_is_answered_per_event_over_jsonrpc(self):
        # JSON escapes put a lone surrogate or a NUL into the parsed batch; json.dumps
        # writes both as escapes, as any client would.
        surrogate = self._envelope("over-http-2")
        surrogate["payload"]["location"] = "Dock \udc00"
        answers = self._ingest_over_rpc(surrogate, self._envelope("over\x00http"), self._envelope())
        self.assertEqual([a["result"] for a in answers][:2], ["rejected", "rejected"], answers)
        self.assertIn("payload.location: must not contain a lone surrogate", answers[0]["reason"])
        self.assertIn("event_id: must not contain control characters", answers[1]["reason"])
        self.assertIn(answers[2]["result"], ("processed", "needs_review"), answers[2]["reason"])

    def test_admin_connects_a_bridge_from_settings(self):
        self.start_tour("/odoo/settings", "logistics_bridge_connect", login="admin")
        user = self.env["res.users"].search([("login", "=", "tour-bridge")])
        self.assertEqual(user.groups_id, self.bridge_group)
        self.assertEqual(len(user.api_key_ids), 1)
