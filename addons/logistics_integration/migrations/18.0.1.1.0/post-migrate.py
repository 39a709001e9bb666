"""Inbound signing secrets are kept by the bridge only since 18.0.1.1.0.

Odoo removes the model's metadata at the end of the upgrade but keeps its table;
the table held secrets, so it goes too.
"""


def migrate(cr, version):
    if version:
        cr.execute("DROP TABLE IF EXISTS logistics_endpoint_secret CASCADE")
