"""The shipment reference is indexed as a b-tree (18.0.1.4.0).

Odoo keeps an index of the expected name whatever its kind: the trigram (GIN) index is
dropped here, and the update creates the b-tree one under the same name.
"""

INDEX = "logistics_shipment__name_index"


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        "SELECT 1 FROM pg_indexes WHERE indexname = %s AND indexdef ILIKE %s",
        (INDEX, "%USING gin%"),
    )
    if cr.fetchone():
        cr.execute('DROP INDEX "logistics_shipment__name_index"')
