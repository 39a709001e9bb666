import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from odoo.addons.queue_job.exception import RetryableJobError

from .common import TmsExportCase


class _TmsHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    received = []
    delay = 0.0

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        type(self).received.append((self.path, dict(self.headers), body))
        if type(self).delay:
            time.sleep(type(self).delay)
        answer = json.dumps({"planning_reference": "WIRE-1"}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Keep the test output quiet."""


class TestWire(TmsExportCase):
    """The outbox against a real HTTP server on 127.0.0.1."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), _TmsHandler)
        cls.server.daemon_threads = True
        thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        thread.start()
        cls.addClassCleanup(cls.server.server_close)
        cls.addClassCleanup(cls.server.shutdown)
        cls.endpoint.write(
            {
                "base_url": f"http://127.0.0.1:{cls.server.server_address[1]}",
                "connect_timeout": 2.0,
                "read_timeout": 0.3,
            }
        )

    def setUp(self):
        super().setUp()
        _TmsHandler.received = []
        _TmsHandler.delay = 0.0
        self.order, self.shipment = self._export_order()
        self.message = self._last_message(self.shipment)

    def test_headers_and_body_on_the_wire(self):
        self.message._send()
        self.assertEqual(self.message.state, "sent")
        self.assertEqual(self.shipment.tms_reference, "WIRE-1")
        path, headers, body = _TmsHandler.received[0]
        self.assertEqual(path, "/v1/orders")
        self.assertEqual(headers["Idempotency-Key"], self.message.idempotency_key)
        self.assertEqual(headers["X-Correlation-ID"], self.order.logistics_correlation_id)
        self.assertEqual(headers["X-API-Key"], "s3cr3t-api-key")
        self.assertEqual(headers["Content-Type"], "application/json")
        self.assertEqual(json.loads(body)["order_reference"], self.shipment.name)
        self.assertEqual(body.decode(), self.message.payload)

    def test_read_timeout_is_retryable(self):
        _TmsHandler.delay = 1.0
        try:
            self.message._send()
        except RetryableJobError as err:
            self.assertIn("Timeout", str(err))
        else:
            self.fail("a server slower than the read timeout must give a retry")
        self.env.invalidate_all()
        self.assertEqual(self.message.state, "pending")
        self.assertEqual(self.message.log_ids.state, "failed")
        self.assertEqual(len(_TmsHandler.received), 1)
