"""The ownership matrix's batch window, last run and discussion are declared by
logistics_integration since this version (18.0.1.2.0).

logistics_integration is upgraded first and takes the fields it declares. The
fields other addons add to every discussion (SMS errors, portal messages) were
this addon's on the matrix because it made the matrix a discussion: they go to
the addon that declares them, as on a new database, so the upgrade keeps them.
"""

from odoo import SUPERUSER_ID, api

MODULE = "logistics_settlement"


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    ownership_fields = env["logistics.data.ownership"]._fields
    cr.execute(
        """
        SELECT data.id, data.name, field.name
          FROM ir_model_data data
          JOIN ir_model_fields field ON field.id = data.res_id
         WHERE data.module = %s AND data.model = 'ir.model.fields'
           AND field.model = 'logistics.data.ownership'
           AND NOT EXISTS (
                SELECT 1 FROM ir_model_data other
                 WHERE other.model = 'ir.model.fields' AND other.res_id = data.res_id
                   AND other.id != data.id
           )
        """,
        (MODULE,),
    )
    for data_id, xmlid_name, field_name in cr.fetchall():
        field = ownership_fields.get(field_name)
        if field is None or MODULE in field._modules:
            continue
        cr.execute(
            """
            UPDATE ir_model_data SET module = %s
             WHERE id = %s
               AND NOT EXISTS (SELECT 1 FROM ir_model_data WHERE module = %s AND name = %s)
            """,
            (field._module, data_id, field._module, xmlid_name),
        )
