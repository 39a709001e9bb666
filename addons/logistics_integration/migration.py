"""Moving records between addons without losing them.

When a model, field, view or data record changes addon, its ir.model.data row must
change module before the old addon is upgraded without it; otherwise Odoo sees an
orphan and deletes the record (and drops the table or column of a model or field).
"""

import logging

_logger = logging.getLogger(__name__)


def rehome_xml_ids(cr, old_module, new_module, names=(), patterns=()):
    """Give ``new_module`` the xml ids ``names`` (and those matching the LIKE
    ``patterns``) that ``old_module`` holds, unless it has them already."""
    cr.execute(
        """
        UPDATE ir_model_data old
           SET module = %s
         WHERE old.module = %s
           AND (old.name LIKE ANY(%s) OR old.name = ANY(%s))
           AND NOT EXISTS (
                SELECT 1 FROM ir_model_data new
                 WHERE new.module = %s AND new.name = old.name
           )
        """,
        (new_module, old_module, list(patterns), list(names), new_module),
    )
    if cr.rowcount:
        _logger.info("Re-homed %d records from %s to %s", cr.rowcount, old_module, new_module)
    return cr.rowcount
