from odoo import _, fields, models

from odoo.addons.logistics_integration.masking import mask_payload
from odoo.addons.queue_job.job import identity_exact

PORTAL_EVENT_OPERATION = "portal_event"
PORTAL_EVENT_PATH = "/v1/shipment-events"
# Updates of one shipment arriving within this window become one e-mail about
# the newest, so a TMS catching up on a backlog never floods a customer.
CUSTOMER_UPDATE_DELAY_SECONDS = 60


class LogisticsShipment(models.Model):
    _inherit = "logistics.shipment"

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
        for shipment in self:
            new = new_by_shipment[shipment]
            shipment.with_delay(
                identity_key=identity_exact,
                eta=CUSTOMER_UPDATE_DELAY_SECONDS,
                description=_("Customer update for %(ref)s", ref=shipment.name),
            )._send_customer_update()
            company = shipment.company_id
            if company not in portals_by_company:
                portals_by_company[company] = self._get_portal_targets(company)
            shipment._send_portal_events(new, *portals_by_company[company])

    def _get_portal_targets(self, company):
        """(customer-portal endpoints, "customer" masking rules) of ``company``."""
        endpoints = (
            self.env["logistics.endpoint"]
            .sudo()
            .search([("kind", "=", "customer_portal"), ("company_id", "=", company.id)])
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
        """{shipment id: its newest customer-visible milestone} (latest event time, then the
        latest record), read with the current user's rights.

        The one rule for "where is my shipment": the portal list shows this
        milestone and the customer e-mail is about it, so both say the same.
        """
        latest = {}
        for milestone in self.env["logistics.milestone"].search(
            [("shipment_id", "in", self.ids), ("customer_visible", "=", True)],
            order="event_time asc, id asc",
        ):
            latest[milestone.shipment_id.id] = milestone
        return latest

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
                    PORTAL_EVENT_OPERATION,
                    self,
                    payload,
                    PORTAL_EVENT_PATH,
                    idempotency_key=f"{prefix}-milestone-{milestone.id}-{PORTAL_EVENT_OPERATION}",
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
            "estimated_delivery": fields.Datetime.to_string(self.estimated_date) + "Z"
            if self.estimated_date
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
