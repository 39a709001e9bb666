import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from odoo.exceptions import AccessError, UserError

from .common import LogisticsIntegrationCase

API_KEY = "s3cr3t-api-key"


class _HealthHandler(BaseHTTPRequestHandler):
    """Answers 200 to the right API key, 401 to any other."""

    received = []

    def do_GET(self):
        type(self).received.append((self.command, self.path, dict(self.headers)))
        authorised = self.headers.get("X-API-Key") == API_KEY
        body = b'{"status": "ok"}' if authorised else b'{"error": "invalid API key"}'
        self.send_response(200 if authorised else 401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Keep the test output quiet."""


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TestConnection(LogisticsIntegrationCase):
    """The Test connection button against a real HTTP server on 127.0.0.1."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), _HealthHandler)
        cls.server.daemon_threads = True
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.addClassCleanup(cls.server.server_close)
        cls.addClassCleanup(cls.server.shutdown)
        cls.endpoint.base_url = f"http://127.0.0.1:{cls.server.server_address[1]}/health"

    def setUp(self):
        super().setUp()
        _HealthHandler.received = []

    def _test_connection(self):
        return self.endpoint.with_user(self.integration_admin).action_test_connection()

    def _logs(self):
        return self.env["logistics.integration.log"].search(
            [("endpoint_id", "=", self.endpoint.id), ("summary", "=", "connection_test")]
        )

    def test_success_is_notified_and_logged(self):
        jobs_before = self.env["queue.job"].search_count([])
        action = self._test_connection()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("HTTP 200", action["params"]["message"])
        method, path, headers = _HealthHandler.received[0]
        self.assertEqual((method, path), ("GET", "/health"))
        self.assertEqual(headers["X-API-Key"], API_KEY)
        log = self._logs()
        self.assertEqual(len(log), 1)
        self.assertEqual(
            (log.state, log.direction, log.http_status), ("processed", "outbound", 200)
        )
        self.assertIn("ok", log.response)
        self.assertNotIn(API_KEY, str(log.read()))
        self.assertEqual(self.env["queue.job"].search_count([]), jobs_before)

    def test_wrong_key_is_a_401_failure(self):
        self.endpoint.auth_secret = "wrong"
        action = self._test_connection()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("401", action["params"]["message"])
        self.assertIn("invalid API key", action["params"]["message"])
        log = self._logs()
        self.assertEqual((log.state, log.http_status), ("rejected", 401))
        self.assertIn("401", log.error)

    def test_refused_connection_is_a_failure(self):
        self.endpoint.base_url = f"http://127.0.0.1:{_closed_port()}"
        action = self._test_connection()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("Connection error", action["params"]["message"])
        self.assertTrue(action["params"]["sticky"])
        log = self._logs()
        self.assertEqual((log.state, log.http_status), ("rejected", 0))
        self.assertIn("Connection error", log.error)
        self.assertFalse(_HealthHandler.received)

    def test_production_guard_and_role_apply(self):
        self.endpoint.environment = "production"
        with self.assertRaises(UserError):
            self._test_connection()
        self.assertFalse(_HealthHandler.received)
        with self.assertRaises(AccessError):
            self.endpoint.with_user(self.logistics_manager).action_test_connection()
