import json
import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import requests
import responses

from odoo.exceptions import AccessError

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import Job

from .common import TmsExportCase, trap_jobs

ORDERS_URL = "http://127.0.0.1:8999/v1/orders"
# Queries of one warm export job as queue_job performs it (its loading and storing of the
# job aside), every addon installed as the suite runs: the message, its attempt counter,
# the endpoint, the attempt's log, the planned milestone (its duplicate check, event type,
# row) with the shipment's state, the customer update it schedules (both pending-update
# lookups, queue_job's check of the new job's uuid and its row), the message and the
# shipment. A worker also reads the transaction's time once, which the test already knows.
MAX_QUERIES_PER_EXPORT = 15


class TestSend(TmsExportCase):
    def setUp(self):
        super().setUp()
        self.order, self.shipment = self._export_order()
        self.message = self._last_message(self.shipment)

    def _answer_and_send(self, status, **body):
        """Let the TMS answer ``status`` with JSON ``body`` and run the job once."""
        responses.post(ORDERS_URL, status=status, json=body)
        return self.message._send()

    def _send_expecting_retry(self):
        """Call the job and return its RetryableJobError.

        Not assertRaises: Odoo's version rolls back a savepoint, which would also
        drop the attempt log the job wrote through its separate cursor.
        """
        try:
            self.message._send()
        except RetryableJobError as err:
            return err
        self.fail("RetryableJobError not raised")

    def _logs(self):
        # Attempts are written through a separate (test) cursor.
        self.env.invalidate_all()
        return self.message.log_ids.sorted("id")

    @responses.activate
    def test_201_plans_the_shipment(self):
        responses.post(
            ORDERS_URL,
            status=201,
            json={
                "planning_reference": "TMS-1001",
                "carrier": {"code": "ROADX", "name": "Road Express"},
                "estimated_delivery": "2026-12-03T10:00:00+00:00",
            },
        )
        self.message._send()
        self.assertEqual(self.message.state, "sent")
        self.assertEqual(self.shipment.export_state, "exported")
        self.assertEqual(self.shipment.tms_reference, "TMS-1001")
        self.assertEqual(self.shipment.carrier_id, self.carrier)
        self.assertEqual(self.shipment.estimated_date, datetime(2026, 12, 3, 10, 0))
        self.assertEqual(self.shipment.state, "shipment_planned")
        self.assertEqual(self.shipment.export_sent_version, 1)
        log = self._logs()
        self.assertEqual(len(log), 1)
        self.assertEqual(
            (log.direction, log.state, log.http_status, log.attempt),
            ("outbound", "processed", 201, 1),
        )
        self.assertEqual(log.correlation_id, self.order.logistics_correlation_id)
        self.assertEqual(log.idempotency_key, self.message.idempotency_key)
        self.assertIn("TMS-1001", log.response)
        self.assertNotIn("s3cr3t", (log.payload or "") + (log.response or ""))
        sent_body = json.loads(responses.calls[0].request.body)
        self.assertEqual(sent_body["order_reference"], self.shipment.name)
        self.assertEqual(sent_body["lines"][0]["weight_kg"], 25.0)

        # Replayed answer: same planning, still one milestone.
        self.message._replay()
        self.message._send()
        self.assertEqual(len(self.shipment.milestone_ids), 1)

    @responses.activate
    def test_201_with_unknown_carrier_is_noted(self):
        self._answer_and_send(
            201, planning_reference="TMS-1002", carrier={"code": "ZZZ", "name": "Zed"}
        )
        self.assertEqual(self.shipment.export_state, "exported")
        self.assertFalse(self.shipment.carrier_id)
        self.assertTrue(
            any("matches no delivery method" in (m.body or "") for m in self.shipment.message_ids)
        )

    @responses.activate
    def test_201_carrier_known_by_its_alias_at_the_tms(self):
        self.env["logistics.carrier.alias"].create(
            {"endpoint_id": self.endpoint.id, "alias": "RDX-77", "carrier_id": self.carrier.id}
        )
        self._answer_and_send(
            201, planning_reference="TMS-1003", carrier={"code": "RDX-77", "name": "Road X Ltd"}
        )
        self.assertEqual(self.shipment.carrier_id, self.carrier)

    @responses.activate
    def test_409_order_exists_is_success(self):
        self._answer_and_send(409, error="order_exists", planning_reference="TMS-0999")
        self.assertEqual(self.message.state, "sent")
        self.assertEqual(self.shipment.export_state, "exported")
        self.assertEqual(self.shipment.tms_reference, "TMS-0999")

    @responses.activate
    def test_409_other_conflict_fails(self):
        self._answer_and_send(409, error="locked")
        self.assertEqual(self.message.state, "failed")
        self.assertEqual(self.shipment.export_state, "export_failed")

    @responses.activate
    def test_429_honours_retry_after_seconds(self):
        responses.post(ORDERS_URL, status=429, headers={"Retry-After": "120"}, json={})
        caught = self._send_expecting_retry()
        self.assertEqual(caught.seconds, 120)
        self.assertEqual(self.message.state, "pending")
        log = self._logs()
        self.assertEqual((log.state, log.http_status), ("failed", 429))

    @responses.activate
    def test_429_honours_retry_after_http_date(self):
        when = datetime.now(UTC) + timedelta(seconds=300)
        responses.post(
            ORDERS_URL, status=429, headers={"Retry-After": format_datetime(when, usegmt=True)}
        )
        caught = self._send_expecting_retry()
        self.assertTrue(290 <= caught.seconds <= 301)

    @responses.activate
    def test_500_retries_with_endpoint_pattern(self):
        responses.post(ORDERS_URL, status=503, body="upstream down")
        caught = self._send_expecting_retry()
        self.assertEqual(caught.seconds, 60)
        self.assertIn("HTTP 503", self._logs().error)

    @responses.activate
    def test_timeout_is_retried(self):
        responses.post(ORDERS_URL, body=requests.exceptions.ReadTimeout("read timed out"))
        self._send_expecting_retry()
        self.env.invalidate_all()
        self.assertIn("Timeout", self.message.last_error)
        self.assertEqual(self.message.state, "pending")

    def test_connection_refused_is_retried(self):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.endpoint.base_url = f"http://127.0.0.1:{port}"
        self._send_expecting_retry()
        self.assertIn("Connection error", self._logs().error)

    @responses.activate
    def test_400_fails_for_good_with_activity(self):
        self._answer_and_send(400, error="invalid_order", message="zip 1000 unknown for country BE")
        self.assertEqual(self.message.state, "failed")
        self.assertEqual(self.shipment.export_state, "export_failed")
        self.assertIn("zip 1000 unknown", self.message.failure_reason)
        activity = self.shipment.activity_ids
        self.assertEqual(activity.user_id, self.integration_admin)
        self.assertIn("zip 1000 unknown", activity.note)
        self.assertEqual(self._logs().state, "rejected")

    def _perform_stored_job(self, message):
        """Store ``message``'s job and perform it as queue_job does; return the queries
        the job made, from an empty cache (the worker commits the job's start first)."""
        job = Job.load(self.env, message._delay_send().uuid)
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        job.perform()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    @responses.activate
    def test_an_export_job_has_a_fixed_query_count(self):
        responses.post(ORDERS_URL, status=201, json={"planning_reference": "TMS-2001"})
        _order, other = self._export_order()
        self._perform_stored_job(self._last_message(other))  # fills the per-worker caches
        responses.replace(
            responses.POST, ORDERS_URL, status=201, json={"planning_reference": "TMS-2002"}
        )
        queries = self._perform_stored_job(self.message)
        self.assertEqual(self.message.state, "sent")
        self.assertEqual(self.shipment.state, "shipment_planned")
        self.assertLessEqual(queries, MAX_QUERIES_PER_EXPORT)

    @responses.activate
    def test_exhausted_retries_fail_like_a_refusal(self):
        """The last attempt of a stored job fails the message instead of retrying."""
        with trap_jobs():
            pass  # the export in setUp was trapped; store a real job now
        job_record = self.message._delay_send()
        job_record.retry = job_record.max_retries - 1
        responses.post(ORDERS_URL, status=500, json={"message": "still down"})
        job = Job.load(self.env, job_record.uuid)
        job.perform()
        self.assertEqual(self.message.state, "failed")
        self.assertIn("gave up after 3 attempts", self.message.failure_reason)
        self.assertEqual(self.shipment.export_state, "export_failed")
        self.assertEqual(self._logs().attempt, 3)
        self.assertEqual(self._logs().job_id, job_record)
        self.assertTrue(self.shipment.activity_ids)

    def _acknowledgements(self):
        return self.env["logistics.milestone"].search(
            [("shipment_id", "=", self.shipment.id), ("external_event_id", "=like", "tms-order:%")]
        )

    @responses.activate
    def test_planning_callback_acknowledges_an_export_whose_answer_was_lost(self):
        """The TMS took the order but Odoo never read the answer (it timed out): the
        TMS's planning callback counts as the acknowledgement, and the answer read on a
        later attempt adds nothing."""
        responses.post(ORDERS_URL, body=requests.ReadTimeout("read timed out"))
        self._send_expecting_retry()
        self.assertEqual(self.shipment.export_state, "queued")
        self.shipment.sudo().write({"tms_reference": "TMS-77"})  # the planning callback
        self.assertEqual(self.shipment.export_state, "exported")
        self.assertEqual(self.shipment.export_sent_version, self.message.payload_version)
        acknowledgement = self._acknowledgements()
        self.assertEqual(acknowledgement.external_event_id, "tms-order:TMS-77")
        self.assertEqual(acknowledgement.event_type_id.code, "shipment_planned")
        responses.replace(
            responses.POST, ORDERS_URL, status=201, json={"planning_reference": "TMS-77"}
        )
        self.message._send()
        self.assertEqual(self.message.state, "sent")
        self.assertEqual(self._acknowledgements(), acknowledgement)

    @responses.activate
    def test_planning_callback_after_a_failed_export_ends_the_failure(self):
        with trap_jobs():
            pass
        job_record = self.message._delay_send()
        job_record.retry = job_record.max_retries - 1
        responses.post(ORDERS_URL, status=504, json={"message": "gateway timeout"})
        Job.load(self.env, job_record.uuid).perform()
        self.assertEqual(self.shipment.export_state, "export_failed")
        self.assertTrue(self.shipment.activity_ids)
        self.shipment.sudo().write({"tms_reference": "TMS-78"})
        self.assertEqual(self.shipment.export_state, "exported")
        self.assertFalse(self.shipment.activity_ids)
        self.assertEqual(self._acknowledgements().external_event_id, "tms-order:TMS-78")
        self.assertIn("TMS-78", self.shipment.message_ids[0].body)

    def test_planning_reference_without_an_export_acknowledges_nothing(self):
        shipment = self.shipment.copy({"picking_id": False})
        shipment.sudo().write({"tms_reference": "TMS-79"})
        self.assertEqual(shipment.export_state, "not_exported")
        self.assertFalse(
            self.env["logistics.milestone"].search([("shipment_id", "=", shipment.id)])
        )

    def test_unexpected_job_failure_hook_fails_the_message(self):
        self.env.flush_all()  # in production the export was committed long before
        self.message._on_job_failed(exc_name="KeyError", exc_message="boom")
        self.env.invalidate_all()
        self.assertEqual(self.message.state, "failed")
        self.assertEqual(self.message.failure_reason, "boom")
        self.assertEqual(self.shipment.export_state, "export_failed")

    def test_production_endpoint_is_never_called_from_a_test_database(self):
        self.endpoint.environment = "production"
        with responses.RequestsMock() as mocked:
            self.message._send()
            self.assertEqual(len(mocked.calls), 0)
        self.assertEqual(self.message.state, "failed")
        self.assertIn("no database is registered as production", self.message.failure_reason)

    @responses.activate
    def test_replay_keeps_the_idempotency_key(self):
        responses.post(ORDERS_URL, status=400, json={"message": "bad"})
        responses.post(ORDERS_URL, status=201, json={"planning_reference": "TMS-7"})
        self.message._send()
        key = self.message.idempotency_key
        with self.assertRaises(AccessError):
            self.message.with_user(self.logistics_manager).action_replay()
        with trap_jobs() as trap:
            self.shipment.with_user(self.integration_admin).action_tms_replay()
            trap.assert_jobs_count(1)
            trap.assert_enqueued_job(self.message._send)
            trap.perform_enqueued_jobs()
        self.assertEqual(self.message.state, "sent")
        self.assertEqual(self.shipment.export_state, "exported")
        headers = [call.request.headers["Idempotency-Key"] for call in responses.calls]
        self.assertEqual(headers, [key, key])
        self.assertEqual(len(self._logs()), 2)

    @responses.activate
    def test_replay_from_a_log_record(self):
        self._answer_and_send(422, message="bad")
        log = self._logs()
        with trap_jobs() as trap:
            log.with_user(self.integration_admin).action_replay()
            trap.assert_enqueued_job(self.message._send)
        self.assertEqual(self.message.state, "pending")

    def test_second_enqueue_of_same_version_returns_existing_message(self):
        with trap_jobs() as trap:
            again = self.env["logistics.outbound.message"]._enqueue(
                self.endpoint,
                "tms_order_create",
                self.shipment,
                {"anything": 1},
                "/v1/orders",
                payload_version=1,
            )
            trap.assert_jobs_count(0)
        self.assertEqual(again, self.message)

    def test_related_action_opens_the_shipment(self):
        job_record = self.message._delay_send()
        action = job_record.open_related_action()
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("logistics.shipment", self.shipment.id)
        )

    def test_endpoint_channel_is_created(self):
        channels = self.env["queue.job.channel"].search([]).mapped("complete_name")
        self.assertIn("root.logistics.test_tms", channels)
        self.endpoint.code = "renamed_tms"
        channels = self.env["queue.job.channel"].search([]).mapped("complete_name")
        self.assertIn("root.logistics.renamed_tms", channels)
