from datetime import timedelta

from .common import LogisticsOverviewCase, create_bill, create_case


class TestOverview(LogisticsOverviewCase):
    """Every card's figure against hand-made data, and the list each figure opens."""

    def _log(self, state="processed", duration=None, hours_ago=0):
        log = self.Log.create(
            {
                "direction": "outbound",
                "endpoint_id": self.ops_endpoint.id,
                "state": state,
                "duration_ms": duration,
            }
        )
        if hours_ago:
            self._age(log, "create_date", hours_ago)
        return log

    def _open(self, card, figure=None):
        action = card.with_context(figure=figure).action_open_figure()
        return self.env[action["res_model"]].search(action["domain"])

    def _shipment(self, **values):
        return self._create_shipment(company_id=self.ops_company.id, **values)

    def test_endpoint_card_exchanges_failures_and_durations(self):
        for duration in (100, 200, 300, 400):
            self._log(duration=duration)
        self._log(state="failed", duration=1000)
        self._log(state="needs_review")
        self._log(duration=5000, hours_ago=30)  # outside the 24 h window

        self.card.invalidate_recordset()
        self.assertEqual(self.card.exchange_count, 6)
        self.assertEqual(self.card.failure_count, 2)
        self.assertEqual(self.card.failure_rate, 33.3)
        self.assertEqual(self.card.duration_p50_ms, 300.0)
        # percentile_cont interpolates: 400 + 0.8 * (1000 - 400)
        self.assertEqual(self.card.duration_p95_ms, 880.0)
        self.assertEqual(len(self._open(self.card, "exchanges")), 6)
        self.assertEqual(len(self._open(self.card, "failures")), 2)
        self.assertEqual(len(self._open(self.card, "durations")), 5)

    def test_endpoint_card_jobs(self):
        channel = self.ops_endpoint._get_channel_name()
        for __ in range(3):
            self.ops_endpoint.with_delay(channel=channel)._ensure_job_channel()
        jobs = self.env["queue.job"].search([("channel", "=", channel)])
        self.assertEqual(len(jobs), 3)
        self.env.cr.execute("UPDATE queue_job SET state = 'failed' WHERE id = %s", [jobs[0].id])
        jobs.invalidate_recordset()

        self.card.invalidate_recordset()
        self.assertEqual(self.card.job_pending_count, 2)
        self.assertEqual(self.card.job_failed_count, 1)
        self.assertEqual(self._open(self.card, "jobs_failed"), jobs[0])
        self.assertEqual(len(self._open(self.card, "jobs_pending")), 2)

    def test_endpoint_card_review_backlog_and_bridges(self):
        events = self.env["logistics.inbound.event"].sudo()
        for index, state in enumerate(("needs_review", "needs_review", "processed")):
            events |= events.create(
                {
                    "endpoint_id": self.ops_endpoint.id,
                    "external_event_id": f"evt-review-{index}",
                    "state": state,
                }
            )
        self._age(events[0], "create_date", 5)
        self._heartbeat("bridge-a:8480")
        self._heartbeat("bridge-b:8480", host="bridge-b")
        stale = self.env["logistics.bridge.instance"].search([("bridge_id", "=", "bridge-b:8480")])
        self._age(stale, "last_heartbeat", 1)

        self.card.invalidate_recordset()
        self.assertEqual(self.card.review_count, 2)
        self.assertAlmostEqual(self.card.review_oldest_hours, 5.0, delta=0.1)
        self.assertEqual(len(self._open(self.card, "reviews")), 2)
        self.assertEqual(self.card.bridge_count, 2)
        self.assertEqual(self.card.bridge_stale_count, 1)
        self.assertEqual(len(self._open(self.card, "bridges")), 2)

    def test_endpoint_card_bridge_backlog(self):
        self._heartbeat("bridge-a:8480", counts={"pending": 900}, oldest_pending_age_seconds=310.0)
        self._heartbeat("bridge-b:8480", counts={"pending": 100}, oldest_pending_age_seconds=40.0)
        self._heartbeat("bridge-c:8480", endpoints=["other"], oldest_pending_age_seconds=999.0)

        self.card.invalidate_recordset()
        self.assertEqual(self.card.bridge_pending_count, 1000)
        self.assertEqual(self.card.bridge_oldest_pending_seconds, 310.0)

        self._heartbeat("bridge-a:8480", counts={"pending": 0}, oldest_pending_age_seconds=None)
        self._heartbeat("bridge-b:8480", counts={"pending": 0}, oldest_pending_age_seconds=None)
        self.card.invalidate_recordset()
        self.assertEqual(self.card.bridge_pending_count, 0)
        self.assertEqual(self.card.bridge_oldest_pending_seconds, 0.0)

    def test_business_cards(self):
        past, future = self.now - timedelta(days=1), self.now + timedelta(days=1)
        late = self._shipment(estimated_date=past)
        self._shipment(estimated_date=future)
        delivered = self._shipment(estimated_date=past)
        self._add_milestone(delivered, "delivered", past)
        delivered.sudo().pod_overdue = True
        exception = self._shipment()
        self._add_milestone(exception, "exception_raised", past)
        case = create_case(self.env, exception, self.now + timedelta(days=2))
        self.env["account.chart.template"].try_loading(
            "generic_coa", company=self.ops_company, install_demo=False
        )
        bill = create_bill(self.env, "OPS-HELD", "mismatch")
        create_bill(self.env, "OPS-PAYABLE", "matched")
        blocked = self._shipment(export_state="blocked")
        failed = self._shipment(export_state="export_failed")
        product = self.env["product.product"].create(
            {"name": "Handling", "type": "service", "invoice_policy": "order", "list_price": 10}
        )
        order = (
            self.env["sale.order"]
            .with_company(self.ops_company)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.ops_company.id,
                    "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1})],
                }
            )
        )
        order.action_confirm()
        held = self._shipment(sale_order_id=order.id)
        charges = self.env["logistics.freight.charge"].create(
            [
                {"shipment_id": held.id, "state": "on_hold", "expected_amount": 10},
                {"shipment_id": held.id, "state": "disputed", "expected_amount": 10},
                {"shipment_id": late.id, "state": "approved", "expected_amount": 10},
            ]
        )
        expiring = self._secret(self._recipe(), days=5)
        self._heartbeat("bridge-stale:8480")
        current = self.env["logistics.bridge.registry"]._bump_version()
        self._heartbeat("bridge-behind:8480", registry_version=current - 1)
        self._heartbeat("bridge-current:8480", registry_version=current)
        self._age(self.env["logistics.bridge.instance"].search([]), "last_heartbeat", 1)

        expected = {
            "late": late,
            "pod_missing": delivered,
            "exceptions": exception,
            "charges_held": charges[:2],
            "invoices_held": order,
            "exports_blocked": blocked,
            "exports_failed": failed,
            "bridges_stale": self.env["logistics.bridge.instance"].search([]),
            "bridges_behind": self.env["logistics.bridge.instance"].search(
                [("bridge_id", "=", "bridge-behind:8480")]
            ),
            "credentials_expiring": self.env["logistics.bridge.credential"].search(
                [("secret_id", "=", expiring.id)]
            ),
            "bills_held": bill,
            "cases_open": case,
        }
        # A card of an addon this setup gives nothing to count shows zero and an empty list.
        for card in self.cards.search([("kind", "=", "business")]):
            with self.subTest(indicator=card.indicator):
                records = expected.get(card.indicator)
                if records is None:
                    self.assertEqual(card.indicator_count, 0)
                    self.assertFalse(self._open(card))
                    continue
                self.assertEqual(card.indicator_count, len(records))
                self.assertEqual(self._open(card), records)

    def _recipe(self):
        return self.env["logistics.auth.recipe"].create(
            {
                "name": "Ops carrier HMAC",
                "endpoint_id": self.ops_endpoint.id,
                "scheme": "hmac",
                "header": "X-Signature",
            }
        )

    def _secret(self, recipe, days, **values):
        return self.env["logistics.auth.secret"].create(
            {
                "recipe_id": recipe.id,
                "value": f"secret-{days}-{len(recipe.secret_ids)}",
                "expires_at": self.now + timedelta(days=days),
                **values,
            }
        )

    def _api_key(self, user, days):
        expiry = self.now + timedelta(days=days)
        self.env["res.users.apikeys"].with_user(user).sudo()._generate(None, f"key {days}", expiry)
        return self.env["logistics.bridge.credential"].search(
            [("user_id", "=", user.id), ("expires_at", "=", expiry)]
        )

    def test_credentials_expiring_within_14_days(self):
        card = self.env.ref("logistics_monitoring.overview_card_credentials_expiring")
        soon = self._secret(self._recipe(), days=10)
        self._secret(self._recipe(), days=40)
        rotated = self._recipe()
        self._secret(rotated, days=3)  # outlived by its successor: no one needs to act
        self._secret(rotated, days=300)
        expired = self._secret(self._recipe(), days=-1)
        self._secret(self._recipe(), days=2, active=False)
        bridge_key = self._api_key(self.bridge_user, days=5)
        self._api_key(self.bridge_user, days=60)
        self.logistics_user.write(
            {"company_ids": [(4, self.ops_company.id)], "company_id": self.ops_company.id}
        )
        self._api_key(self.logistics_user, days=5)  # not a bridge user

        listed = self._open(card)
        self.assertEqual(listed.mapped("secret_id"), soon | expired)
        self.assertEqual(listed.filtered(lambda c: c.kind == "api_key"), bridge_key)
        self.assertEqual(bridge_key.user_id, self.bridge_user)
        card.invalidate_recordset()
        self.assertEqual(card.indicator_count, len(listed))
        self.assertEqual(card.indicator_count, 3)

    def test_bridges_behind_the_registry(self):
        card = self.env.ref("logistics_monitoring.overview_card_bridges_behind")
        registry = self.env["logistics.bridge.registry"]
        current = registry._bump_version()
        self._heartbeat("bridge-a:8480", registry_version=current)
        self._heartbeat("bridge-b:8480", registry_version=current - 1)
        self._heartbeat("bridge-toml:8480")  # runs its configuration file's endpoints
        behind = self.env["logistics.bridge.instance"].search([("bridge_id", "=", "bridge-b:8480")])
        self.assertEqual(self._open(card), behind)
        self.assertEqual(card.indicator_count, 1)
        registry._bump_version()  # an endpoint changed: both registry bridges are behind now
        card.invalidate_recordset()
        self.assertEqual(card.indicator_count, 2)
        self.assertEqual(len(self._open(card)), 2)

    def test_new_endpoint_gets_its_card_at_once(self):
        endpoint = self._create_endpoint(name="Carrier X", code="carrier_x", kind="carrier")
        card = self.cards.search([("endpoint_id", "=", endpoint.id)])
        self.assertEqual(card.name, "Carrier X")
        endpoint.active = False
        self.assertFalse(card.active)

    def test_a_logistics_user_sees_the_overview(self):
        as_user = self.cards.with_user(self.logistics_user).with_context(
            allowed_company_ids=self.company.ids
        )
        action = as_user._action_open_overview()
        self.assertEqual(action["res_model"], "logistics.overview.card")
        cards = as_user.search([])
        self.assertIn("business", cards.mapped("kind"))
        self.assertNotIn(self.card, cards)  # another company's endpoint
        cards.mapped("indicator_count")  # computed without an access error

    def test_every_logistics_role_opens_the_overview_menu(self):
        """The menu runs a server action: Odoo refuses one without groups to anyone who
        may not write its model, which no logistics role may."""
        server_action = self.env.ref("logistics_monitoring.logistics_overview_server_action")
        for user in (self.logistics_user, self.logistics_manager):
            with self.subTest(user=user.login):
                action = (
                    server_action.with_user(user)
                    .with_context(allowed_company_ids=self.company.ids)
                    .run()
                )
                self.assertEqual(action["res_model"], "logistics.overview.card")

    def test_overview_data_covers_every_endpoint(self):
        data = self.env["logistics.overview"]._overview_data()
        self.assertIn(self.ops_endpoint.id, data["endpoints"])
        cards = self.cards.search([("kind", "=", "business")])
        self.assertEqual(set(data["business"]), set(cards.mapped("indicator")))
