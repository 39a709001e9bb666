"""Records an addon takes over from the addons built on it.

When a concept moves from an addon down into one it depends on, Odoo installs or
upgrades the receiving addon before the giving one, so neither the giver's migrations
nor anything it runs come first: the receiver claims the records itself, before its own
data loads. It takes the xml ids of its moved records from whichever addon depending on
it still holds them, without naming that addon. Odoo then updates those records in
place, instead of creating new ones and deleting the old with what refers to them (the
users of a group, the activities of an activity type, the views inheriting a view).
"""

import logging

_logger = logging.getLogger(__name__)


def adopt_records(cr, module, names=(), patterns=(), model=None):
    """Give ``module`` the xml ids ``names`` (and those matching the LIKE ``patterns``,
    ``_`` escaped where it is literal) that an addon built on it holds, directly or
    not, unless ``module`` has them already. Records of ``model`` are taken from any
    addon: an Overview card moves to the addon that owns the records it counts, beside
    the addon that showed it before. Returns how many it took."""
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
        UPDATE ir_model_data old
           SET module = %(module)s
         WHERE (old.module IN (SELECT name FROM dependent) OR old.model = %(model)s)
           AND old.module != %(module)s
           AND (old.name = ANY(%(names)s) OR old.name LIKE ANY(%(patterns)s))
           AND NOT EXISTS (
                SELECT 1 FROM ir_model_data new
                 WHERE new.module = %(module)s AND new.name = old.name
           )
        """,
        {"module": module, "names": list(names), "patterns": list(patterns), "model": model},
    )
    if cr.rowcount:
        _logger.info("%s took over %d records from the addons built on it", module, cr.rowcount)
    return cr.rowcount
