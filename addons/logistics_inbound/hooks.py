"""Install hooks. Before: take over the inbox, the ingest framework and the exception
lifecycle from the TMS addon built on this one. After (and on upgrade): endpoints that already
receive events get their inbound format. On uninstall: the registry's version table goes.

Databases made before this addon existed hold these models, fields, views,
access rules and the bridge group under the TMS addon built on this one. Their
ir.model.data rows are re-homed to this module before it loads, so Odoo
updates them in place; otherwise, once that addon is upgraded without them,
Odoo would see orphans and drop the tables with their data.
"""

import logging

from odoo.addons.logistics_integration.upgrade import adopt_records

_logger = logging.getLogger(__name__)

MOVED_MODELS = (
    "logistics_inbound_event",
    "logistics_inbound_profile",
    "logistics_status_mapping",
    "logistics_ingest",
)
MOVED_ENDPOINT_FIELDS = ("logistics_inbound_profile_id", "logistics_status_mapping_ids")
MOVED_RECORDS = (
    "group_logistics_bridge",
    "logistics_endpoint_view_form",
    "menu_logistics_inbound_event",
    "menu_logistics_inbound_profile",
    "menu_logistics_status_mapping",
)
# The exception lifecycle: its activity type keeps the activities made with it.
MOVED_LIFECYCLE_RECORDS = (
    "mail_activity_type_shipment_exception",
    "logistics_shipment_view_kanban",
)


def _moved_name_patterns():
    """LIKE patterns of the moved xml ids (``_`` escaped where it is literal)."""
    patterns = []
    for model in MOVED_MODELS:
        patterns += [
            f"model_{model}",
            f"model\\_inherit\\_\\_{model}\\_\\_%",
            f"field_{model}\\_\\_%",
            f"selection\\_\\_{model}\\_\\_%",
            f"constraint_{model}\\_%",
            f"access_{model}\\_%",
            f"{model}\\_view\\_%",
            f"{model}\\_action",
            f"{model}\\_company\\_rule",
        ]
    patterns += [f"field_logistics_endpoint\\_\\_{name}" for name in MOVED_ENDPOINT_FIELDS]
    return patterns


def rehome_records(cr, names, patterns=()):
    """Give logistics_inbound the xml ids ``names`` (and those matching the LIKE
    ``patterns``) that an addon built on it holds, unless it has them already."""
    adopt_records(cr, "logistics_inbound", names, patterns)


def pre_init_hook(env):
    """Re-home the moved records' xml ids from the addon built on this one, when there
    are any."""
    rehome_records(env.cr, MOVED_RECORDS + MOVED_LIFECYCLE_RECORDS, patterns=_moved_name_patterns())


def set_inbound_formats(cr):
    """Give endpoints that already receive events their inbound format, where unset.

    An endpoint with an inbound profile receives the profile's document format; a TMS
    endpoint without one receives tms-event envelopes. Endpoints keep no inbound side
    otherwise.
    """
    cr.execute(
        """
        UPDATE logistics_endpoint e
           SET inbound_format = COALESCE(
                   (SELECT p.document_format FROM logistics_inbound_profile p
                     WHERE p.id = e.logistics_inbound_profile_id),
                   'tms-event'
               )
         WHERE e.inbound_format IS NULL
           AND (e.logistics_inbound_profile_id IS NOT NULL OR e.kind = 'tms')
        """
    )
    if cr.rowcount:
        _logger.info("Inbound format set on %d existing endpoints", cr.rowcount)


def post_init_hook(env):
    """Endpoints made before the install (by the TMS addon) keep receiving."""
    set_inbound_formats(env.cr)


def uninstall_hook(env):
    env.cr.execute("DROP TABLE IF EXISTS logistics_bridge_registry_state")
