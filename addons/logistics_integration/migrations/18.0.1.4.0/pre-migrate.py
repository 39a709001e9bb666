"""The Overview card's definition moves here from logistics_monitoring (18.0.1.4.0).

Its stored fields, constraints, access rights and record rules are handed to this addon
before it loads, so Odoo updates them in place and the cards keep their rows and their
thresholds. The indicator becomes a free key: the values of the former fixed list go.
"""

from odoo.addons.logistics_integration.upgrade import adopt_records

MOVED_FIELDS = (
    "name",
    "sequence",
    "active",
    "kind",
    "endpoint_id",
    "company_id",
    "indicator",
    "group_ids",
    "warning_threshold",
    "danger_threshold",
    "action_label",
)
MOVED_RECORDS = (
    *(f"field_logistics_overview_card__{name}" for name in MOVED_FIELDS),
    "constraint_logistics_overview_card_thresholds_ordered",
    "constraint_logistics_overview_card_kind_consistent",
    "access_logistics_overview_card_user",
    "access_logistics_overview_card_admin",
    "logistics_overview_card_company_rule",
    "logistics_overview_card_group_rule",
)
KIND_VALUES = "selection\\_\\_logistics\\_overview\\_card\\_\\_kind\\_\\_%"


def migrate(cr, version):
    if not version:
        return
    adopt_records(cr, "logistics_integration", MOVED_RECORDS, [KIND_VALUES])
    cr.execute(
        """
        UPDATE ir_model_relation
           SET module = (SELECT id FROM ir_module_module WHERE name = 'logistics_integration')
         WHERE name = 'logistics_overview_card_res_groups_rel';
        DELETE FROM ir_model_data
         WHERE model = 'ir.model.fields.selection'
           AND name LIKE 'selection\\_\\_logistics\\_overview\\_card\\_\\_indicator\\_\\_%';
        DELETE FROM ir_model_fields_selection
         WHERE field_id IN (SELECT id FROM ir_model_fields
                             WHERE model = 'logistics.overview.card' AND name = 'indicator');
        """
    )
