from datetime import timedelta

from odoo import fields
from odoo.tests.common import new_test_user
from odoo.tools import SQL

from odoo.addons.logistics_shipment.tests.common import LogisticsShipmentCase


def create_bill(env, reference, match_state=False, disputed=False):
    """A carrier bill of one line for ``reference``, as the settlement run left it."""
    bill = env["account.move"].create(
        {
            "move_type": "in_invoice",
            "partner_id": env["res.partner"].create({"name": f"Carrier of {reference}"}).id,
            "invoice_date": fields.Date.today(),
            "invoice_line_ids": [
                (
                    0,
                    0,
                    {
                        "name": f"Freight {reference}",
                        "quantity": 1,
                        "price_unit": 110.0,
                        "tax_ids": [(6, 0, [])],
                        "logistics_shipment_ref": reference,
                        "logistics_charge_type": "base_freight",
                    },
                )
            ],
        }
    )
    bill.invoice_line_ids.logistics_match_state = match_state
    bill.logistics_disputed = disputed
    return bill


def create_case(env, shipment, due, resolved=False):
    case = env["logistics.case"].create(
        {
            "shipment_id": shipment.id,
            "case_type_id": env.ref("logistics_case.case_type_damage").id,
            "user_id": env.user.id,
            "date_deadline": due,
        }
    )
    if resolved:
        case.write({"resolution": "no_action", "resolution_reason": "Repacked."})
        case.action_resolve()
    return case


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
    def _heartbeat(cls, bridge_id="bridge-a:8480", bridge_user=None, **values):
        """``bridge_id``'s heartbeat as the bridge reports it, as ``bridge_user`` (the
        operations company's bridge user by default)."""
        bridge_user = bridge_user or cls.bridge_user
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
        bridges = cls.env["logistics.bridge.instance"].with_user(bridge_user)
        return bridges.with_context(
            allowed_company_ids=bridge_user.company_id.ids
        ).report_heartbeat(report)

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


class LogisticsOverviewCase(LogisticsMonitoringCase):
    """The Overview's cards, with the card of the operations endpoint at hand."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.now = fields.Datetime.now()
        cls.Log = cls.env["logistics.integration.log"].sudo()
        cls.cards = cls.env["logistics.overview.card"]
        cls.cards._sync_endpoint_cards()
        cls.card = cls.cards.search([("endpoint_id", "=", cls.ops_endpoint.id)])
