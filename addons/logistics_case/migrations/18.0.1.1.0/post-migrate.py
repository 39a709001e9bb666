"""Exceptions tell the customer their reason; resolved cases their outcome (18.0.1.1.0).

Case types are loaded once (noupdate): the shipped ones get their customer status
where none is set. The customer e-mails, as shipped and never edited, are reset from
the module's file (the resolved one now tells the outcome); edited ones are left as
they are.
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

STATUS_LABELS = {
    "logistics_case.case_type_damage": "Damage reported – we are on it",
    "logistics_case.case_type_loss": "Goods missing – we are on it",
    "logistics_case.case_type_delay": "Delayed – we are on it",
    "logistics_case.case_type_refusal": "Delivery refused – we are on it",
}
TEMPLATES = (
    "logistics_case.mail_template_case_opened",
    "logistics_case.mail_template_case_resolved",
)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid, label in STATUS_LABELS.items():
        case_type = env.ref(xmlid, raise_if_not_found=False)
        if case_type and not case_type.status_label:
            case_type.status_label = label
    for xmlid in TEMPLATES:
        template = env.ref(xmlid, raise_if_not_found=False)
        if not template:
            continue
        if template.write_date == template.create_date:
            template.reset_template()
        else:
            _logger.warning("%s was edited: it is left as it is", xmlid)
