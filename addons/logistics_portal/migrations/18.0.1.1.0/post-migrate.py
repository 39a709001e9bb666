"""Portal events are sent as the exchange type ``portal_event`` since 18.0.1.1.0.

The core upgrade gave existing portal messages an exchange type named after
their code only; it takes the name, contract and events of the template (the model
has its ``logistics_integration`` 18.0.2.0.0 name when this runs).
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["logistics.exchange.type"]._align_with_templates(["portal_event"])
