from odoo import _, fields, models

from odoo.addons.logistics_integration.masking import mask_payload

PORTAL_EVENT_OPERATION = "portal_event"
PORTAL_EVENT_SCHEMA = "portal-event/1"
PORTAL_EVENT_PATH = "/v1/shipment-events"


class LogisticsShipment(models.Model):
    _inherit = "logistics.shipment"

    def _notify_customer(self, milestones):
        """Tell customers about their shipments' new customer-visible milestones.

        The customer gets one e-mail per shipment from the customer template
        (posted on the shipment, so the chatter shows what the customer was
        told) for the latest of the new milestones, and none for a late event
        older than what they already know. Each active customer-portal endpoint
        of the company gets every milestone as an outbound event (the portal
        orders them by time), personal data masked by the "customer" rules.
        """
        template = self.env.ref(
            "logistics_portal.mail_template_milestone_customer", raise_if_not_found=False
        )
        for shipment in self:
            new = milestones.filtered(lambda m, s=shipment: m.shipment_id == s)
            known = (shipment.milestone_ids - new).filtered("customer_visible")
            latest = new.sorted(lambda m: (m.event_time, m.id))[-1:]
            is_news = not known or latest.event_time >= max(known.mapped("event_time"))
            if template and shipment.partner_id and is_news:
                shipment._post_customer_message(template, latest)
            shipment._send_portal_events(new)

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

    def _send_portal_events(self, milestones):
        self.ensure_one()
        endpoints = (
            self.env["logistics.endpoint"]
            .sudo()
            .search([("kind", "=", "customer_portal"), ("company_id", "=", self.company_id.id)])
        )
        if not endpoints or not milestones:
            return
        outbox = self.env["logistics.outbound.message"].sudo()
        rules = (
            self.env["logistics.masking.rule"].with_company(self.company_id)._get_rules("customer")
        )
        database = self.env["ir.config_parameter"].sudo().get_param("database.uuid", "")[:8]
        for milestone in milestones:
            payload = mask_payload(self._prepare_portal_event(milestone), rules)
            for endpoint in endpoints:
                outbox._enqueue(
                    endpoint,
                    PORTAL_EVENT_OPERATION,
                    self,
                    payload,
                    PORTAL_EVENT_PATH,
                    idempotency_key=f"odoo-{database}-milestone-{milestone.id}-portal_event",
                    schema_version=PORTAL_EVENT_SCHEMA,
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
            "label": milestone.customer_label or milestone.event_type_id.customer_label,
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
