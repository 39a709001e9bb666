from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class LogisticsFreightAccrual(models.Model):
    """The freight accrual of one company for one period: approved freight of shipments
    delivered in or before the period that the carrier had not billed by its end.

    One record per company and period makes the period-end batch idempotent: a
    period that has a record is never accrued again. A company with nothing to accrue
    gets no record: the list shows, and the batch counts, only what was accrued."""

    _name = "logistics.freight.accrual"
    _description = "Freight Accrual"
    _order = "date_to desc, company_id"
    _rec_name = "date_to"

    company_id = fields.Many2one(comodel_name="res.company", required=True, readonly=True)
    date_from = fields.Date(string="Period Start", required=True, readonly=True)
    date_to = fields.Date(string="Period End", required=True, readonly=True)
    move_id = fields.Many2one(
        comodel_name="account.move", string="Accrual Entry", readonly=True, ondelete="restrict"
    )
    reversal_move_id = fields.Many2one(
        comodel_name="account.move", string="Reversal Entry", readonly=True, ondelete="restrict"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(readonly=True)
    charge_ids = fields.Many2many(
        comodel_name="logistics.freight.charge", string="Accrued Charges", readonly=True
    )
    shipment_count = fields.Integer(readonly=True)

    _sql_constraints = [
        (
            "company_period_unique",
            "unique(company_id, date_to)",
            "A company's freight is accrued once per period.",
        ),
    ]

    @api.model
    def _run_period(self, companies, window):
        """Accrue the period ``window`` (``[start, end)``, a calendar month) for each of
        ``companies`` that has no accrual for it yet."""
        date_from = window[0].date()
        date_to = window[1].date() - timedelta(days=1)
        done = self.search(
            [("company_id", "in", companies.ids), ("date_to", "=", date_to)]
        ).company_id
        created = self.browse()
        failures = []
        for company in companies - done:
            try:
                with self.env.cr.savepoint():
                    created |= self._accrue(company, date_from, date_to)
            except UserError as err:
                failures.append(err.args[0])
        summary = _(
            "Period %(start)s to %(end)s: %(new)s accrued (%(shipments)s shipments, "
            "%(amount).2f), %(done)s already done.",
            start=date_from,
            end=date_to,
            new=len(created),
            shipments=sum(created.mapped("shipment_count")),
            amount=sum(created.mapped("amount")),
            done=len(done),
        )
        return "\n".join([summary, *failures]), not failures

    @api.model
    def _accrue(self, company, date_from, date_to):
        """The accrual of ``company`` for the period, or nothing when no approved freight
        waits for a carrier bill."""
        charges = self._get_unbilled_charges(company, date_to)
        if not charges:
            return self.browse()
        accrual = self.create(
            {
                "company_id": company.id,
                "date_from": date_from,
                "date_to": date_to,
                "charge_ids": [(6, 0, charges.ids)],
                "shipment_count": len(charges.shipment_id),
            }
        )
        accrual._post_entries()
        return accrual

    @api.model
    def _get_unbilled_charges(self, company, date_to):
        """Approved charges of shipments delivered by ``date_to`` that no carrier bill
        dated by then settles."""
        period_end = fields.Datetime.to_datetime(date_to) + timedelta(days=1)
        charges = self.env["logistics.freight.charge"].search(
            [
                ("company_id", "=", company.id),
                ("state", "=", "approved"),
                ("shipment_id.actual_delivery_date", "<", period_end),
            ]
        )
        return charges.filtered(lambda charge: not charge._is_billed_by(date_to))

    def _post_entries(self):
        """Post the accrual entry at the period end and its reversal on the next day."""
        self.ensure_one()
        company = self.company_id
        journal = company.logistics_accrual_journal_id
        expense = company.logistics_accrual_expense_account_id
        liability = company.logistics_accrual_liability_account_id
        if not (journal and expense and liability):
            raise UserError(
                _(
                    "Set the freight accrual journal and accounts of %(company)s in Settings.",
                    company=company.name,
                )
            )
        lines = []
        total = 0.0
        for charge in self.charge_ids:
            amount = charge.currency_id._convert(
                charge.actual_amount, company.currency_id, company, self.date_to
            )
            total += amount
            lines.append(
                (
                    0,
                    0,
                    {
                        "name": charge.display_name,
                        "account_id": expense.id,
                        "debit": amount,
                        "credit": 0.0,
                    },
                )
            )
        ref = _("Freight accrual %(end)s", end=self.date_to)
        lines.append(
            (0, 0, {"name": ref, "account_id": liability.id, "debit": 0.0, "credit": total})
        )
        move = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": journal.id,
                "company_id": company.id,
                "date": self.date_to,
                "ref": ref,
                "line_ids": lines,
            }
        )
        move.action_post()
        reversal = move._reverse_moves(
            [
                {
                    "date": self.date_to + timedelta(days=1),
                    "ref": _("Reversal of %(ref)s", ref=ref),
                }
            ]
        )
        reversal.action_post()
        self.write({"move_id": move.id, "reversal_move_id": reversal.id, "amount": total})
