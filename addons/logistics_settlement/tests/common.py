from datetime import datetime

from odoo.addons.logistics_freight.tests.common import LogisticsFreightCase


class LogisticsSettlementCase(LogisticsFreightCase):
    """Fixtures: a carrier billed by a vendor, accrual settings, delivered shipments
    with approved freight, carrier bills."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vendor = cls.env["res.partner"].create({"name": "Fast Freight Ltd", "is_company": True})
        cls.carrier = cls._create_carrier("Fast Freight")
        cls.carrier.logistics_partner_id = cls.vendor
        cls.auditor = cls._create_user("lgx_auditor", "logistics_settlement.group_freight_auditor")
        company = cls.company
        cls.accrual_journal = cls.env["account.journal"].search(
            [("type", "=", "general"), ("company_id", "=", company.id)], limit=1
        )
        account = cls.env["account.account"].with_company(company)
        cls.freight_cost_account = account.create(
            {"code": "610900", "name": "Freight cost", "account_type": "expense"}
        )
        cls.accrued_freight_account = account.create(
            {"code": "218900", "name": "Accrued freight", "account_type": "liability_current"}
        )
        company.write(
            {
                "logistics_accrual_journal_id": cls.accrual_journal.id,
                "logistics_accrual_expense_account_id": cls.freight_cost_account.id,
                "logistics_accrual_liability_account_id": cls.accrued_freight_account.id,
            }
        )

    @classmethod
    def _delivered_shipment(cls, reference, actual, delivered=datetime(2026, 10, 20, 10, 0)):
        """A shipment delivered at ``delivered`` whose base freight (expected 100) was
        reported at ``actual`` and approved."""
        order, shipment = cls._create_order_shipment(cls.carrier, 100.0, reference)
        cls._add_milestone(shipment, "delivered", delivered)
        charge = cls._add_actual_charge(shipment, actual)
        return order, shipment, charge

    @classmethod
    def _create_bill(cls, lines, partner=None, invoice_date="2026-10-31", company=None):
        """A draft vendor bill with ``lines`` of (reference, charge type, amount)."""
        return (
            cls.env["account.move"]
            .with_company(company or cls.company)
            .create(
                {
                    "move_type": "in_invoice",
                    "partner_id": (partner or cls.vendor).id,
                    "invoice_date": invoice_date,
                    "invoice_line_ids": [
                        (
                            0,
                            0,
                            {
                                "name": f"Freight {reference}",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [(6, 0, [])],
                                "logistics_shipment_ref": reference,
                                "logistics_charge_type": charge_type,
                            },
                        )
                        for reference, charge_type, amount in lines
                    ],
                }
            )
        )

    def _run(self, domain, now=None):
        """Run ``domain``'s batch through the ownership matrix, as the cron does."""
        line = self.env["logistics.data.ownership"]._get_owner(domain)
        window = line._get_batch_window(now or datetime.now(), force=True)
        self.assertTrue(window, f"no window for {domain}")
        line._run_batch(window)
        return line
