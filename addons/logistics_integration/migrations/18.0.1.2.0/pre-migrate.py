"""Every outbound message names its exchange type since 18.0.1.2.0.

The interface catalogue becomes the registry of exchange types: each entry
gets a code and a handler, and each existing message gets the exchange type of
its endpoint and operation, created here when the catalogue had none. This runs
before the new required columns are set up, so no message is left without one
and nothing is lost. Addons that ship their own exchange types re-point their
messages in their own migrations (their templates are loaded after this).
"""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        ALTER TABLE logistics_interface
            ADD COLUMN IF NOT EXISTS code varchar,
            ADD COLUMN IF NOT EXISTS endpoint_kind varchar,
            ADD COLUMN IF NOT EXISTS handler_model varchar;
        ALTER TABLE logistics_outbound_message
            ADD COLUMN IF NOT EXISTS interface_id integer;
        UPDATE logistics_interface i
           SET code = 'interface_' || i.id,
               endpoint_kind = e.kind,
               handler_model = 'logistics.exchange.handler'
          FROM logistics_endpoint e
         WHERE e.id = i.endpoint_id AND i.code IS NULL;
        INSERT INTO logistics_interface (
            name, code, endpoint_id, company_id, endpoint_kind, direction,
            handler_model, schema_name, schema_version, active,
            create_uid, write_uid, create_date, write_date
        )
        SELECT DISTINCT ON (m.endpoint_id, m.operation)
               m.operation, m.operation, m.endpoint_id, e.company_id, e.kind, 'outbound',
               'logistics.exchange.handler',
               NULLIF(split_part(m.schema_version, '/', 1), ''),
               NULLIF(split_part(m.schema_version, '/', 2), ''),
               true, 1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
          FROM logistics_outbound_message m
          JOIN logistics_endpoint e ON e.id = m.endpoint_id
         WHERE NOT EXISTS (
               SELECT 1 FROM logistics_interface i
                WHERE i.endpoint_id = m.endpoint_id AND i.code = m.operation
         )
         ORDER BY m.endpoint_id, m.operation, m.id DESC;
        UPDATE logistics_outbound_message m
           SET interface_id = i.id
          FROM logistics_interface i
         WHERE i.endpoint_id = m.endpoint_id AND i.code = m.operation
           AND m.interface_id IS NULL;
        """
    )
