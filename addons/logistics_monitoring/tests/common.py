from datetime import timedelta

from odoo import fields
from odoo.tests.common import new_test_user
from odoo.tools import SQL

from odoo.addons.logistics_shipment.tests.common import LogisticsShipmentCase


class LogisticsMonitoringCase(LogisticsShipmentCase):
    """Fixtures: a company of its own (so demo data never counts), a bridge user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ops_company = cls.env["res.company"].create({"name": "Overview Logistics Co"})
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=[cls.ops_company.id]))
        cls.ops_endpoint = cls._create_endpoint(
            name="Ops TMS", code="ops_tms", company_id=cls.ops_company.id
        )
        cls.bridge_user = new_test_user(
            cls.env,
            login="lgx_monitoring_bridge",
            groups="logistics_inbound.group_logistics_bridge",
            company_id=cls.ops_company.id,
            company_ids=[(6, 0, [cls.ops_company.id])],
        )

    @classmethod
    def _heartbeat(cls, bridge_id="bridge-a:8480", **values):
        report = {
            "bridge_id": bridge_id,
            "host": "bridge-a",
            "version": "18.0.1.0.0",
            "endpoints": ["ops_tms"],
            "counts": {"pending": 3, "forwarded": 40, "rejected": 1, "failed": 0},
            "oldest_pending_age_seconds": 12.5,
            "last_odoo_error": None,
            "last_odoo_error_at": None,
            "interval_seconds": 30,
        }
        report.update(values)
        return (
            cls.env["logistics.bridge.instance"].with_user(cls.bridge_user).report_heartbeat(report)
        )

    @classmethod
    def _age(cls, records, column, hours):
        """Move a timestamp column of ``records`` ``hours`` into the past, as time would."""
        moment = fields.Datetime.now() - timedelta(hours=hours)
        records.flush_recordset()
        cls.env.cr.execute(
            SQL(
                "UPDATE %s SET %s = %s WHERE id = ANY(%s)",
                SQL.identifier(records._table),
                SQL.identifier(column),
                moment,
                records.ids,
            )
        )
        records.invalidate_recordset()
