import importlib.util
from pathlib import Path

from odoo.modules.module import get_module_path

from .common import TmsExportCase, trap_jobs


def _migration(addon, version, stage):
    """The ``migrate`` function of ``addon``'s migration script."""
    path = Path(get_module_path(addon), "migrations", version, f"{stage}-migrate.py")
    spec = importlib.util.spec_from_file_location(f"{addon}_{stage}_{version}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.migrate


class TestMigration(TmsExportCase):
    """An outbox written before exchange types existed gets them on upgrade."""

    def test_upgrade_gives_every_message_its_exchange_type(self):
        cr = self.env.cr
        finance = self._create_endpoint(
            name="Finance", code="finance", kind="finance", base_url="http://127.0.0.1:18305"
        )
        order, shipment = self._export_order()
        outbox = self.env["logistics.outbound.message"]
        create = self._last_message(shipment)
        with trap_jobs():
            update = outbox._enqueue(
                self.endpoint,
                "tms_order_update",
                shipment,
                {"v": 2},
                "/v1/orders/X",
                http_method="PUT",
                payload_version=2,
            )
            cancel = outbox._enqueue(
                self.endpoint, "tms_order_cancel", shipment, {"c": 1}, "/v1/orders/X/cancel"
            )
            self.env["logistics.exchange.type"].create(
                {
                    "name": "Release",
                    "code": "invoice_release",
                    "endpoint_id": finance.id,
                    "direction": "outbound",
                }
            )
            release = outbox._enqueue(finance, "invoice_release", order, {"i": 1}, "/v1/r")
        messages = create | update | cancel | release
        before = messages.read(["idempotency_key", "payload", "state", "endpoint_id", "res_id"])
        self.env.flush_all()
        # The outbox as the previous version left it: one operation for creates
        # and updates, no exchange type on any message, no catalogue entries, and
        # the names from before 18.0.2.0.0 (interface catalogue, operation).
        cr.execute(
            """ALTER TABLE logistics_exchange_type RENAME TO logistics_interface;
               ALTER TABLE logistics_outbound_message RENAME exchange_type_id TO interface_id;
               ALTER TABLE logistics_outbound_message RENAME exchange_type_code TO operation;
               ALTER TABLE logistics_outbound_message ALTER COLUMN interface_id DROP NOT NULL"""
        )
        cr.execute(
            """UPDATE logistics_outbound_message
                  SET interface_id = NULL,
                      operation = CASE WHEN operation LIKE 'tms_order_%%' AND operation
                                       != 'tms_order_cancel' THEN 'tms_order' ELSE operation END
                WHERE id IN %s""",
            [tuple(messages.ids)],
        )
        cr.execute(
            "DELETE FROM logistics_interface WHERE endpoint_id IN %s",
            [(self.endpoint.id, finance.id)],
        )
        # Catalogue entries of the previous version had a name but no code.
        cr.execute(
            """ALTER TABLE logistics_interface ALTER COLUMN code DROP NOT NULL,
                                               ALTER COLUMN handler_model DROP NOT NULL,
                                               ALTER COLUMN endpoint_kind DROP NOT NULL"""
        )
        cr.execute(
            """INSERT INTO logistics_interface (name, endpoint_id, direction, active)
               VALUES ('Tracking callbacks (v1)', %(tms)s, 'inbound', true),
                      ('Ledger export', %(finance)s, 'outbound', true),
                      ('Ledger: export', %(finance)s, 'outbound', true)
               RETURNING id""",
            {"tms": self.endpoint.id, "finance": finance.id},
        )
        described = self.env["logistics.exchange.type"].browse(row[0] for row in cr.fetchall())
        self.env.invalidate_all()

        _migration("logistics_integration", "18.0.1.2.0", "pre")(cr, "18.0.1.1.0")
        _migration("logistics_integration", "18.0.2.0.0", "pre")(cr, "18.0.1.2.0")
        _migration("logistics_tms_export", "18.0.1.1.0", "post")(cr, "18.0.1.0.0")
        self.env.invalidate_all()

        self.assertEqual(
            messages.read(["idempotency_key", "payload", "state", "endpoint_id", "res_id"]),
            before,
            "nothing a message carried is lost",
        )
        self.assertEqual(
            [
                (m.exchange_type_code, m.exchange_type_id.code, m.exchange_type_id.handler_model)
                for m in messages
            ],
            [
                ("tms_order_create", "tms_order_create", "logistics.tms.order.create.handler"),
                ("tms_order_update", "tms_order_update", "logistics.tms.order.handler"),
                ("tms_order_cancel", "tms_order_cancel", "logistics.tms.order.cancel.handler"),
                ("invoice_release", "invoice_release", "logistics.exchange.handler"),
            ],
        )
        self.assertEqual(messages.exchange_type_id.endpoint_id, self.endpoint | finance)
        self.assertEqual(
            # other addons add their own types to TMS endpoints (callbacks, returns)
            sorted(
                code
                for code in self.endpoint.exchange_type_ids.mapped("code")
                if code.startswith("tms_order") or code == "tracking_callbacks_v1"
            ),
            ["tms_order_cancel", "tms_order_create", "tms_order_update", "tracking_callbacks_v1"],
            "the interim tms_order type is gone, the catalogue entry stays",
        )
        self.assertEqual(
            described.mapped("code"),
            [
                "tracking_callbacks_v1",
                f"interface_{described[1].id}",
                f"interface_{described[2].id}",
            ],
            "a code from the name where it is unambiguous",
        )
        self.assertEqual(described.mapped("endpoint_kind"), ["tms", "finance", "finance"])
        self.assertEqual(set(described.mapped("handler_model")), {"logistics.exchange.handler"})
        self.assertEqual(
            self.endpoint.exchange_type_ids.filtered(lambda t: t.code == "tms_order_cancel").name,
            "Transport order: cancel",
        )
