from types import SimpleNamespace

from odoo import _, api, fields, models

from odoo.addons.logistics_integration.masking import mask_payload
from odoo.addons.queue_job.job import ENQUEUED, PENDING, WAIT_DEPENDENCIES, identity_exact

PORTAL_EVENT_EXCHANGE_TYPE = "portal_event"
PORTAL_EVENT_PATH = "/v1/shipment-events"
# Updates of one shipment arriving within this window become one e-mail about
# the newest, so a TMS catching up on a backlog never floods a customer.
CUSTOMER_UPDATE_DELAY_SECONDS = 60
# Once a shipment is here, there is nothing left to expect a delivery of.
FINAL_STATES = ("delivered", "returned", "cancelled")


class LogisticsShipment(models.Model):
    _name = "logistics.shipment"
    # The customer thread first: its mail.thread hooks run before mail.thread's.
    _inherit = ["logistics.customer.thread", "logistics.shipment"]
    # What the shipment's customer reads: the portal list and page, the order's page.
    _portal_fields = frozenset(
        {
            "name",
            "partner_id",
            "commercial_partner_id",
            "sale_order_id",
            "carrier_id",
            "tracking_number",
            "tracking_url",
            "state",
            "actual_pickup_date",
            "actual_delivery_date",
            "customer_expected_date",
        }
    )

    customer_expected_date = fields.Datetime(
        string="Expected Delivery (customer)",
        compute="_compute_customer_expected_date",
        compute_sudo=True,
        help="The expected delivery the customer is told (portal, e-mails, portal events): "
        "the estimated delivery until the shipment is delivered, returned or cancelled, "
        "nothing afterwards.",
    )

    @api.depends("estimated_date", "state")
    def _compute_customer_expected_date(self):
        for shipment in self:
            final = shipment.state in FINAL_STATES
            shipment.customer_expected_date = False if final else shipment.estimated_date

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for shipment in self:
            shipment.access_url = f"/my/shipments/{shipment.id}"
        return res

    def _get_customer_timeline(self):
        """The customer-visible milestones as the portal shows them, newest first, the
        one that gives the status on top (one rule with the status and the e-mails)."""
        self.ensure_one()
        visible = self.env["logistics.milestone"].search(
            [("shipment_id", "=", self.id), ("customer_visible", "=", True)]
        )
        return visible._sorted_for_timeline()

    def _notify_customer(self, milestones):
        """Tell customers about their shipments' new customer-visible milestones.

        The e-mail is a queue_job job per shipment, so ingesting events never
        waits for mail rendering, and updates arriving together coalesce into
        one e-mail about the newest (see ``_send_customer_update``). Each
        active customer-portal endpoint of the company gets every milestone as
        an outbound event (the portal orders them by time), personal data
        masked by the "customer" rules.
        """
        new_by_shipment = milestones.grouped("shipment_id")
        portals_by_company = {}
        identities = {shipment: shipment._customer_update_identity() for shipment in self}
        # One query for the whole batch: while a shipment's e-mail is pending (the usual
        # case when a source reports often), nothing is delayed for it. Only the key is
        # read: a job's row also holds its arguments and records.
        pending = set(
            self.env["queue.job"]
            .sudo()
            .search_fetch(
                [
                    ("identity_key", "in", list(identities.values())),
                    ("state", "in", [WAIT_DEPENDENCIES, PENDING, ENQUEUED]),
                ],
                ["identity_key"],
            )
            .mapped("identity_key")
        )
        for shipment in self:
            new = new_by_shipment[shipment]
            if identities[shipment] not in pending:
                shipment.with_delay(
                    identity_key=identities[shipment],
                    eta=CUSTOMER_UPDATE_DELAY_SECONDS,
                    description=_("Customer update for %(ref)s", ref=shipment.name),
                )._send_customer_update()
            company = shipment.company_id
            if company not in portals_by_company:
                portals_by_company[company] = self._get_portal_targets(company)
            shipment._send_portal_events(new, *portals_by_company[company])

    def _customer_update_identity(self):
        """The identity key of this shipment's customer-update job: queue_job's
        ``identity_exact`` of ``_send_customer_update`` on it, computed without a job."""
        self.ensure_one()
        return identity_exact(
            SimpleNamespace(
                model_name=self._name,
                method_name="_send_customer_update",
                recordset=self,
                args=(),
                kwargs={},
            )
        )

    def _get_portal_targets(self, company):
        """(customer-portal endpoints, "customer" masking rules) of ``company``."""
        endpoint_model = self.env["logistics.endpoint"].sudo()
        endpoints = endpoint_model.browse(
            endpoint_model._get_active_ids_of_kind("customer_portal", company.id)
        )
        if not endpoints:
            return endpoints, []
        return endpoints, self.env["logistics.masking.rule"].with_company(company)._get_rules(
            "customer"
        )

    def _send_customer_update(self):
        """E-mail the customer the newest customer-visible milestone, once.

        Posted on the shipment from the customer template, so the chatter shows
        what the customer was told. A late event older than what the customer
        already knows changes nothing, and neither does a repeated job.
        """
        self.ensure_one()
        template = self.env.ref(
            "logistics_portal.mail_template_milestone_customer", raise_if_not_found=False
        )
        # Only the milestone is marked, never the shipment: ingestion keeps
        # writing shipments, and two writers of one row would conflict.
        latest = self._get_latest_customer_milestones().get(self.id)
        if not (template and latest) or latest.customer_notified:
            return
        self._post_customer_message(template, latest)
        latest.sudo().customer_notified = True

    def _get_latest_customer_milestones(self):
        """{shipment id: its current customer-visible milestone}, read with the current
        user's rights: the one that gives the state by canonical rank and event time
        (an acknowledgement timed after the delivery does not hide it), else the newest.

        The one rule for "where is my shipment": the portal list shows this
        milestone and the customer e-mail is about it, so both say the same.
        """
        visible = self.env["logistics.milestone"].search(
            [("shipment_id", "in", self.ids), ("customer_visible", "=", True)]
        )
        return {
            shipment.id: milestones._current_milestone()
            for shipment, milestones in visible.grouped("shipment_id").items()
        }

    def _post_customer_message(self, template, milestone):
        self.ensure_one()
        subject = template._render_field("subject", milestone.ids)[milestone.id]
        body = template._render_field("body_html", milestone.ids)[milestone.id]
        self.sudo().message_post(
            body=body,
            subject=subject,
            partner_ids=self.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            email_layout_xmlid="mail.mail_notification_light",
        )

    def _send_portal_events(self, milestones, endpoints, rules):
        self.ensure_one()
        if not endpoints:
            return
        outbox = self.env["logistics.outbound.message"].sudo()
        prefix = outbox._idempotency_key_prefix()
        for milestone in milestones:
            payload = mask_payload(self._prepare_portal_event(milestone), rules)
            for endpoint in endpoints:
                outbox._enqueue(
                    endpoint,
                    PORTAL_EVENT_EXCHANGE_TYPE,
                    self,
                    payload,
                    PORTAL_EVENT_PATH,
                    idempotency_key=f"{prefix}-milestone-{milestone.id}-{PORTAL_EVENT_EXCHANGE_TYPE}",
                    description=_(
                        "Shipment update %(ref)s to %(portal)s", ref=self.name, portal=endpoint.name
                    ),
                )

    def _prepare_portal_event(self, milestone):
        """The customer-facing event: canonical label, time, place and the ship-to.

        No raw codes, costs, internal notes or other parties' data; personal
        data is masked afterwards by the caller.
        """
        self.ensure_one()
        partner = self.partner_id
        return {
            "event": "shipment.milestone",
            "shipment": self.name,
            "customer_reference": self.sale_order_id.client_order_ref or None,
            "order": self.sale_order_id.name or None,
            "status": milestone.event_type_id.code,
            "label": milestone.customer_label,
            "occurred_at": fields.Datetime.to_string(milestone.event_time) + "Z",
            "location": milestone.location or None,
            "estimated_delivery": fields.Datetime.to_string(self.customer_expected_date) + "Z"
            if self.customer_expected_date
            else None,
            "ship_to": {
                "name": partner.name,
                "email": partner.email or None,
                "phone": partner.phone or None,
                "street": partner.street or None,
                "street2": partner.street2 or None,
                "zip": partner.zip or None,
                "city": partner.city or None,
                "country": partner.country_id.code or None,
            },
            "correlation_id": self.correlation_id,
        }
