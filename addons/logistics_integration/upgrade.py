"""Helpers of the addons' install hooks and migration scripts, in plain SQL.

Records an addon takes over from the addons built on it (``adopt_records``): when a
concept moves from an addon down into one it depends on, Odoo installs or upgrades the
receiving addon before the giving one, so neither the giver's migrations nor anything it
runs come first: the receiver claims the records itself, before its own data loads. It
takes the xml ids of its moved records from whichever addon depending on it still holds
them, without naming that addon. Odoo then updates those records in place, instead of
creating new ones and deleting the old with what refers to them (the users of a group,
the activities of an activity type, the views inheriting a view).

Renames of models and fields (``rename_model``, ``rename_field``): run before the renamed
code loads (pre-migrate), they move the rows and every place Odoo knows a model or field
by its name: tables, columns and their indexes and constraints, the model's many2many
tables, ``ir.model`` and ``ir.model.fields`` with their xml ids, and the records that
name a model (messages, followers, activities, attachments, actions, views, filters,
queued jobs...). Records' own xml ids stay as they are. Each step checks what is there,
so running it twice changes nothing.
"""

import logging

from odoo.tools import SQL, sql

_logger = logging.getLogger(__name__)

# Columns that hold a model's technical name: (table, column).
MODEL_NAME_COLUMNS = (
    ("ir_model", "model"),
    ("ir_model_data", "model"),
    ("ir_model_fields", "model"),
    ("ir_model_fields", "relation"),
    ("ir_act_window", "res_model"),
    ("ir_act_server", "model_name"),
    ("ir_act_report_xml", "model"),
    ("ir_act_client", "res_model"),
    ("ir_embedded_actions", "parent_res_model"),
    ("ir_ui_view", "model"),
    ("ir_filters", "model_id"),
    ("ir_exports", "resource"),
    ("ir_attachment", "res_model"),
    ("mail_message", "model"),
    ("mail_followers", "res_model"),
    ("mail_activity", "res_model"),
    ("mail_activity_type", "res_model"),
    ("mail_activity_plan", "res_model"),
    ("mail_message_subtype", "res_model"),
    ("mail_template", "model"),
    ("mail_scheduled_message", "model"),
    ("rating_rating", "res_model"),
    ("rating_rating", "parent_res_model"),
    ("queue_job", "model_name"),
)


def _table(model):
    return model.replace(".", "_")


def _rename_prefixed(cr, table, old_prefix, new_prefix):
    """Rename the indexes and constraints of ``table`` named ``<old_prefix>...``."""
    pattern = old_prefix.replace("_", r"\_") + "%"
    cr.execute(
        """SELECT index_rel.relname
             FROM pg_index i
             JOIN pg_class table_rel ON table_rel.oid = i.indrelid
             JOIN pg_class index_rel ON index_rel.oid = i.indexrelid
            WHERE table_rel.relname = %s AND index_rel.relname LIKE %s
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid
                                                            AND c.conrelid = i.indrelid)""",
        (table, pattern),
    )
    for (index,) in cr.fetchall():
        renamed = sql.make_identifier(new_prefix + index[len(old_prefix) :])
        cr.execute(
            SQL("ALTER INDEX %s RENAME TO %s", SQL.identifier(index), SQL.identifier(renamed))
        )
    cr.execute(
        """SELECT c.conname FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
            WHERE t.relname = %s AND c.conname LIKE %s""",
        (table, pattern),
    )
    for (constraint,) in cr.fetchall():
        renamed = sql.make_identifier(new_prefix + constraint[len(old_prefix) :])
        cr.execute(
            SQL(
                "ALTER TABLE %s RENAME CONSTRAINT %s TO %s",
                SQL.identifier(table),
                SQL.identifier(constraint),
                SQL.identifier(renamed),
            )
        )
        cr.execute(
            "UPDATE ir_model_constraint SET name = %s WHERE name = %s", (renamed, constraint)
        )


def _rename_table(cr, old, new):
    """Rename table ``old`` with its id sequence, indexes and constraints."""
    if not sql.table_exists(cr, old) or sql.table_exists(cr, new):
        return
    _logger.info("table %s: renamed to %s", old, new)
    cr.execute(SQL("ALTER TABLE %s RENAME TO %s", SQL.identifier(old), SQL.identifier(new)))
    cr.execute(
        SQL(
            "ALTER SEQUENCE IF EXISTS %s RENAME TO %s",
            SQL.identifier(f"{old}_id_seq"),
            SQL.identifier(f"{new}_id_seq"),
        )
    )
    _rename_prefixed(cr, new, f"{old}_", f"{new}_")
    cr.execute("UPDATE ir_model_relation SET name = %s WHERE name = %s", (new, old))


def _drop_foreign_keys(cr, table):
    """Drop the foreign keys of ``table``: named after its old name, they are added
    again under the new one when the module of the field loads."""
    cr.execute(
        """SELECT c.conname FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
            WHERE c.contype = 'f' AND t.relname = %s""",
        (table,),
    )
    for (constraint,) in cr.fetchall():
        cr.execute(
            SQL(
                "ALTER TABLE %s DROP CONSTRAINT %s",
                SQL.identifier(table),
                SQL.identifier(constraint),
            )
        )
        cr.execute("DELETE FROM ir_model_constraint WHERE name = %s AND type = 'f'", (constraint,))


def _rename_many2many_tables(cr, old_model, new_model):
    """Many2many tables named after ``old_model`` by default follow its new name."""
    old_table, new_table = _table(old_model), _table(new_model)
    cr.execute(
        """SELECT DISTINCT CASE WHEN model = %(old)s THEN relation ELSE model END,
                           relation_table
             FROM ir_model_fields
            WHERE ttype = 'many2many' AND (model = %(old)s OR relation = %(old)s)""",
        {"old": old_model},
    )
    for other_model, relation in cr.fetchall():
        other_table = _table(other_model)
        if relation != "{}_{}_rel".format(*sorted((old_table, other_table))):
            continue  # named by its field: the name stays
        renamed = "{}_{}_rel".format(*sorted((new_table, other_table)))
        _rename_table(cr, relation, renamed)
        old_column, new_column = f"{old_table}_id", f"{new_table}_id"
        if sql.column_exists(cr, renamed, old_column):
            sql.rename_column(cr, renamed, old_column, new_column)
            _drop_foreign_keys(cr, renamed)
        cr.execute(
            """UPDATE ir_model_fields
                  SET relation_table = %(new)s,
                      column1 = CASE WHEN column1 = %(old_column)s
                                     THEN %(new_column)s ELSE column1 END,
                      column2 = CASE WHEN column2 = %(old_column)s
                                     THEN %(new_column)s ELSE column2 END
                WHERE relation_table = %(old)s""",
            {"new": renamed, "old": relation, "old_column": old_column, "new_column": new_column},
        )


def _rename_xmlids(cr, ir_model, old_prefix, new_prefix, exact=False):
    """Rename the xml ids of ``ir_model`` records named ``old_prefix`` (``exact``) or
    starting with it."""
    cr.execute(
        """UPDATE ir_model_data
              SET name = %(new)s || substr(name, length(%(old)s) + 1)
            WHERE model = %(ir_model)s
              AND CASE WHEN %(exact)s THEN name = %(old)s ELSE starts_with(name, %(old)s) END""",
        {"ir_model": ir_model, "old": old_prefix, "new": new_prefix, "exact": exact},
    )


def rename_model(cr, old, new):
    """Rename model ``old`` to ``new``: its table (when stored), the metadata and
    every record naming it. Xml ids of its records are kept; those Odoo generates
    for the model and its fields (``model_*``, ``field_*``, ``selection__*``) follow."""
    _logger.info("model %s: renamed to %s", old, new)
    old_table, new_table = _table(old), _table(new)
    _rename_table(cr, old_table, new_table)
    _rename_many2many_tables(cr, old, new)
    _rename_xmlids(cr, "ir.model", f"model_{old_table}", f"model_{new_table}", exact=True)
    _rename_xmlids(cr, "ir.model.fields", f"field_{old_table}__", f"field_{new_table}__")
    _rename_xmlids(
        cr, "ir.model.fields.selection", f"selection__{old_table}__", f"selection__{new_table}__"
    )
    _rename_xmlids(
        cr, "ir.model.constraint", f"constraint_{old_table}_", f"constraint_{new_table}_"
    )
    _rename_xmlids(
        cr, "ir.model.inherit", f"model_inherit__{old_table}__", f"model_inherit__{new_table}__"
    )
    for table, column in MODEL_NAME_COLUMNS:
        if sql.column_exists(cr, table, column):
            cr.execute(
                SQL(
                    "UPDATE %s SET %s = %s WHERE %s = %s",
                    SQL.identifier(table),
                    SQL.identifier(column),
                    new,
                    SQL.identifier(column),
                    old,
                )
            )
    cr.execute("SELECT model, name FROM ir_model_fields WHERE ttype = 'reference' AND store = true")
    for model, field in cr.fetchall():
        table = _table(model)
        if sql.column_exists(cr, table, field):
            column = SQL.identifier(field)
            cr.execute(
                SQL(
                    "UPDATE %s SET %s = %s || substr(%s, length(%s) + 1) WHERE starts_with(%s, %s)",
                    SQL.identifier(table),
                    column,
                    f"{new},",
                    column,
                    f"{old},",
                    column,
                    f"{old},",
                )
            )
    if sql.table_exists(cr, "queue_job"):
        cr.execute(
            """UPDATE queue_job SET records = jsonb_set(records, '{model}', to_jsonb(%s::text))
                WHERE records->>'model' = %s""",
            (new, old),
        )
    if sql.table_exists(cr, "queue_job_function"):
        cr.execute(
            """UPDATE queue_job_function SET name = replace(name, %s, %s)
                WHERE starts_with(name, %s)""",
            (f"<{old}>", f"<{new}>", f"<{old}>"),
        )
    cr.execute(
        "UPDATE ir_config_parameter SET key = replace(key, %s, %s) WHERE strpos(key, %s) > 0",
        (old, new, old),
    )


def rename_field(cr, model, old, new):
    """Rename field ``old`` of ``model`` to ``new``: its column (when stored) with the
    column's index and foreign key, its metadata and xml ids, and the saved filters,
    exports and attachments that name it."""
    table = _table(model)
    if sql.column_exists(cr, table, old) and not sql.column_exists(cr, table, new):
        _logger.info("%s.%s: renamed to %s", model, old, new)
        sql.rename_column(cr, table, old, new)
        index = sql.make_index_name(table, old)
        if sql.index_exists(cr, index):
            renamed = sql.make_index_name(table, new)
            cr.execute(
                SQL("ALTER INDEX %s RENAME TO %s", SQL.identifier(index), SQL.identifier(renamed))
            )
        _rename_prefixed(cr, table, f"{table}_{old}_fkey", f"{table}_{new}_fkey")
    cr.execute(
        "UPDATE ir_model_fields SET name = %s WHERE model = %s AND name = %s", (new, model, old)
    )
    cr.execute(
        """UPDATE ir_model_fields SET relation_field = %s
            WHERE relation = %s AND relation_field = %s""",
        (new, model, old),
    )
    _rename_xmlids(
        cr, "ir.model.fields", f"field_{table}__{old}", f"field_{table}__{new}", exact=True
    )
    _rename_xmlids(
        cr,
        "ir.model.fields.selection",
        f"selection__{table}__{old}__",
        f"selection__{table}__{new}__",
    )
    quoted = {"old": f"(['\"]){old}(:[a-z]+)?(['\"])", "new": rf"\1{new}\2\3", "model": model}
    cr.execute(
        """UPDATE ir_filters
              SET domain = regexp_replace(domain, %(old)s, %(new)s, 'g'),
                  context = regexp_replace(context, %(old)s, %(new)s, 'g')
            WHERE model_id = %(model)s""",
        quoted,
    )
    cr.execute(
        """UPDATE ir_exports_line line SET name = %s
             FROM ir_exports export
            WHERE export.id = line.export_id AND export.resource = %s AND line.name = %s""",
        (new, model, old),
    )
    cr.execute(
        "UPDATE ir_attachment SET res_field = %s WHERE res_model = %s AND res_field = %s",
        (new, model, old),
    )


def adopt_records(cr, module, names=(), patterns=(), model=None):
    """Give ``module`` the xml ids ``names`` (and those matching the LIKE ``patterns``,
    ``_`` escaped where it is literal) that an addon built on it holds, directly or
    not, unless ``module`` has them already. Records of ``model`` are taken from any
    addon: an Overview card moves to the addon that owns the records it counts, beside
    the addon that showed it before. Where several addons hold a name (an addon's view
    extending another is often named like it), the oldest record is the one that moved
    out of ``module``'s place. Returns how many it took."""
    cr.execute(
        """
        WITH RECURSIVE dependent(name) AS (
            SELECT module.name
              FROM ir_module_module module
              JOIN ir_module_module_dependency dependency ON dependency.module_id = module.id
             WHERE dependency.name = %(module)s
            UNION
            SELECT module.name
              FROM ir_module_module module
              JOIN ir_module_module_dependency dependency ON dependency.module_id = module.id
              JOIN dependent ON dependent.name = dependency.name
        )
        , candidate AS (
            SELECT DISTINCT ON (old.name) old.id
              FROM ir_model_data old
             WHERE (old.module IN (SELECT name FROM dependent) OR old.model = %(model)s)
               AND old.module != %(module)s
               AND (old.name = ANY(%(names)s) OR old.name LIKE ANY(%(patterns)s))
               AND NOT EXISTS (
                    SELECT 1 FROM ir_model_data new
                     WHERE new.module = %(module)s AND new.name = old.name
               )
             ORDER BY old.name, old.id
        )
        UPDATE ir_model_data
           SET module = %(module)s
         WHERE id IN (SELECT id FROM candidate)
        """,
        {"module": module, "names": list(names), "patterns": list(patterns), "model": model},
    )
    if cr.rowcount:
        _logger.info("%s took over %d records from the addons built on it", module, cr.rowcount)
    return cr.rowcount
