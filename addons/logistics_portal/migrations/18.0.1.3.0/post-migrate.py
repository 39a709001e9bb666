"""Every record customers follow has its portal access token from its creation
(18.0.1.3.0): the records created before get one now, instead of from the first
customer e-mail, whose job would write the record while ingestion writes it too."""

from psycopg2 import sql

TABLES = ("logistics_shipment", "logistics_case")


def migrate(cr, version):
    if not version:
        return
    for table in TABLES:
        cr.execute(
            "SELECT 1 FROM information_schema.columns "
            "WHERE table_name = %s AND column_name = 'access_token'",
            (table,),
        )
        if not cr.fetchone():
            # logistics_case may not be installed, or be older than its portal page: its
            # column is made after this script, and its records get a token when first shown
            continue
        cr.execute(
            sql.SQL(
                "UPDATE {} SET access_token = gen_random_uuid()::text WHERE access_token IS NULL"
            ).format(sql.Identifier(table))
        )
