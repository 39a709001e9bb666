"""The customer e-mail tells no expected delivery once delivered, and gives the
tracking number and link (18.0.1.2.0).

The template is loaded once (noupdate). As shipped and never edited, it is reset
from the module's file; an edited one keeps its wording and only stops showing the
expected delivery of delivered shipments.
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

TEMPLATE = "logistics_portal.mail_template_milestone_customer"
OLD, NEW = "object.shipment_id.estimated_date", "object.shipment_id.customer_expected_date"


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    template = env.ref(TEMPLATE, raise_if_not_found=False)
    if not template:
        return
    if template.write_date == template.create_date:
        template.reset_template()
        return
    for lang, body in template._fields["body_html"]._get_stored_translations(template).items():
        if body and OLD in body:
            template.with_context(lang=lang).body_html = body.replace(OLD, NEW)
    _logger.warning(
        "%s was edited: its expected delivery is fixed, the tracking number is not added",
        TEMPLATE,
    )
