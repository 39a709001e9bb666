import logging
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

SYSTEMS = [
    ("odoo", "Odoo"),
    ("tms", "Transport Management System"),
    ("carrier", "Carrier"),
    ("customer_portal", "Customer Portal"),
    ("finance", "Finance"),
]
UPDATE_MODES = [
    ("realtime", "Real-time"),
    ("hourly", "Hourly"),
    ("daily", "Daily"),
    ("period_end", "Period End"),
]
EPOCH = datetime(2000, 1, 1)
#: A record's write date is its transaction's start, so a write committed after a
#: window closed may carry a time inside it: each window reaches back this far.
WINDOW_OVERLAP = timedelta(hours=1)


class LogisticsDataOwnership(models.Model):
    """Which system is the record of truth for one data domain, how often the domain
    moves (real-time or a batch window) and who owns its exceptions; a domain with a
    registered batch shows when it last ran and with what result."""

    _name = "logistics.data.ownership"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Data Ownership"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    domain = fields.Selection(
        selection=[
            ("orders", "Orders"),
            ("shipment_status", "Shipment Status"),
            ("planning_reference", "Planning References"),
            ("freight_charges", "Freight Charges"),
            ("invoice_release", "Invoice Release"),
            ("customer_communication", "Customer Communication"),
        ],
        required=True,
    )
    system_of_record = fields.Selection(selection=SYSTEMS, required=True)
    conflicting_edit_policy = fields.Selection(
        selection=[("refuse", "Refuse the edit"), ("flag", "Accept and flag for review")],
        required=True,
        default="refuse",
        help="What happens when a system that does not own the data changes it.",
    )
    notes = fields.Text()
    company_id = fields.Many2one(comodel_name="res.company", index=True)
    update_mode = fields.Selection(
        selection=UPDATE_MODES,
        required=True,
        default="realtime",
        help="Real-time: applied as it arrives. Hourly, daily: the domain's batch picks up "
        "what changed since its last run. Period end: the batch handles each closed month once.",
    )
    exception_owner_id = fields.Many2one(
        comodel_name="res.users",
        domain=[("share", "=", False)],
        help="Who gets the activity when this domain's data does not reconcile.",
    )
    batch_id = fields.Many2one(
        comodel_name="logistics.batch",
        compute="_compute_batch_id",
        help="The batch an addon registered for this domain, run on its window.",
    )
    last_run_date = fields.Datetime(string="Last Run", readonly=True, copy=False)
    last_run_state = fields.Selection(
        selection=[("done", "Done"), ("incomplete", "Incomplete"), ("failed", "Failed")],
        string="Last Result",
        readonly=True,
        copy=False,
    )
    last_run_message = fields.Text(string="Last Run Details", readonly=True, copy=False)
    last_window_end = fields.Datetime(
        readonly=True,
        copy=False,
        help="End of the window the last successful run covered; the next run starts here.",
    )

    _sql_constraints = [
        (
            "domain_company_unique",
            "unique(domain, company_id)",
            "Each data domain has exactly one system of record per company.",
        ),
    ]

    @api.depends("domain")
    def _compute_batch_id(self):
        batches = (
            self.env["logistics.batch"].sudo().search([("domain", "in", self.mapped("domain"))])
        )
        by_domain = {batch.domain: batch for batch in batches}
        for line in self:
            line.batch_id = by_domain.get(line.domain, False)

    @api.model
    def _get_owner(self, domain):
        """The ownership line for ``domain`` in the current company (or the global one)."""
        lines = self.sudo().search(
            [("domain", "=", domain), ("company_id", "in", [False, self.env.company.id])]
        )
        return lines.sorted(lambda line: not line.company_id)[:1]

    @api.model
    def _cron_run_batches(self, domains=None):
        """Scheduled action of the registered batches (of ``domains``, default all):
        each ownership line of their domains runs its batch for its companies when its
        window is due, in the matrix's order."""
        selection = [] if domains is None else [("domain", "in", list(domains))]
        # A handful of registrations, one per batch domain.
        batches = self.env["logistics.batch"].sudo().search(selection)  # pylint: disable=no-search-all
        now = self._get_batch_now()
        for line in self.sudo().search([("domain", "in", batches.mapped("domain"))]):
            window = line._get_batch_window(now)
            if window:
                line._run_batch(window)

    @api.model
    def _get_batch_now(self):
        """The time of a batch run on the clock that dates records: the timestamp of
        its transaction, taken by the database server.

        Batches select records by create or write date, which are the timestamp of the
        transaction that wrote them, to the microsecond. The wall clock cut to the
        second (or another host's clock) can lie before records this transaction
        already sees, and a window ending there would leave them out."""
        return self.env.cr.now()

    def _get_batch_window(self, now, force=False):
        """``(start, end)`` the next run covers, or None when the run is not due yet.

        Real-time and hourly/daily domains cover what changed since the last window
        (``force`` ignores the interval); a period-end domain covers the last closed
        calendar month, once.
        """
        self.ensure_one()
        if self.update_mode == "period_end":
            end = datetime.combine(now.date().replace(day=1), time.min)
            if self.last_window_end and self.last_window_end >= end:
                return None
            return end - relativedelta(months=1), end
        interval = {"hourly": timedelta(hours=1), "daily": timedelta(days=1)}.get(
            self.update_mode, timedelta(0)
        )
        if not force and self.last_run_date and now - self.last_run_date < interval:
            return None
        start = self.last_window_end - WINDOW_OVERLAP if self.last_window_end else EPOCH
        return start, now

    def _get_companies(self):
        """The companies this line governs: its own, or every company without a line of
        its own for the domain."""
        self.ensure_one()
        if self.company_id:
            return self.company_id
        specific = self.search(
            [("domain", "=", self.domain), ("company_id", "!=", False)]
        ).company_id
        return self.env["res.company"].sudo().search([("id", "not in", specific.ids)])

    def _run_batch(self, window):
        """Run the domain's batch for ``window`` in a savepoint and record the result.

        A failed run (rolled back) or an incomplete one (what succeeded is kept; the
        batches are idempotent) leaves the window where it was, so the next run covers
        it again, and the exception owner gets an activity with the details."""
        self.ensure_one()
        if not self.batch_id:
            raise UserError(
                _("No active batch is registered for the domain %(domain)s.", domain=self.domain)
            )
        try:
            with self.env.cr.savepoint():
                summary, complete = self.batch_id._run(self._get_companies(), window)
        except Exception as err:  # noqa: BLE001 - any failure is recorded, then shown
            _logger.exception("Batch %s failed", self.domain)
            summary, complete, state = str(err), False, "failed"
        else:
            state = "done" if complete else "incomplete"
        vals = {
            "last_run_date": fields.Datetime.now(),
            "last_run_state": state,
            "last_run_message": summary,
        }
        if complete:
            vals["last_window_end"] = window[1]
        self.write(vals)
        self._follow_up_run()
        return complete

    def _follow_up_run(self):
        """One open activity for the exception owner while runs fail; closed by the
        next complete run."""
        activities = self.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_todo")
        )
        if self.last_run_state == "done":
            activities.action_feedback(feedback=self.last_run_message)
            return
        if activities:
            activities.write({"note": self.last_run_message})
            return
        owner = self._get_exception_owner(
            self.domain,
            self.company_id or self.env.company,
            "logistics_integration.group_integration_admin",
        )
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=_("%(domain)s batch did not complete", domain=self._domain_label()),
            note=self.last_run_message,
            user_id=owner.id,
        )

    def _domain_label(self):
        return dict(self._fields["domain"]._description_selection(self.env))[self.domain]

    def action_run_now(self):
        """Run this domain's batch for its current window, whether due or not."""
        now = self._get_batch_now()
        for line in self.filtered("batch_id"):
            window = line._get_batch_window(now, force=True)
            if window:
                line._run_batch(window)
        return True

    @api.model
    def _get_exception_owner(self, domain, company, group_xmlid):
        """The exception owner the matrix names for ``domain`` in ``company``, else a
        member of ``group_xmlid`` in that company, else the current user."""
        owner = self.with_company(company)._get_owner(domain).exception_owner_id
        if owner:
            return owner
        members = self.env.ref(group_xmlid).users.filtered(
            lambda user: company in user.company_ids and not user.share
        )
        return members[:1] or self.env.user
