from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def signup_prepare(self, signup_type="signup"):
        """Write only the partners whose signup type changes.

        Every notification of a portal record (a shipment's customer update, a case's
        answer) asks for the customer's signup parameters, and Odoo writes the customer
        each time even when nothing changes. A customer with many shipments then has
        concurrent jobs and ingest batches updating one row, which PostgreSQL refuses as
        serialization failures that are retried over and over.
        """
        changing = self.filtered(lambda partner: partner.signup_type != signup_type)
        return super(ResPartner, changing).signup_prepare(signup_type=signup_type)
