from odoo import fields, models


class LogisticsChangeRequestLine(models.Model):
    """One record of a change request: new, changed (field: old → new), unchanged,
    only in this database, or skipped; ``entry`` is what is applied."""

    _name = "logistics.change.request.line"
    _description = "Configuration Change Line"
    _order = "request_id, sequence, id"

    request_id = fields.Many2one(
        comodel_name="logistics.change.request", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="request_id.company_id", store=True, index=True)
    sequence = fields.Integer()
    model_name = fields.Char(string="Model", required=True)
    model_description = fields.Char(string="Record Type", compute="_compute_model_description")
    res_id = fields.Integer(string="Record ID")
    record_label = fields.Char(string="Record")
    action = fields.Selection(
        selection=[
            ("new", "New"),
            ("changed", "Changed"),
            ("deleted", "Deleted"),
            ("unchanged", "Unchanged"),
            ("absent", "Only Here"),
            ("skipped", "Skipped"),
        ],
        required=True,
    )
    changes = fields.Json(
        string="Field Changes", help="{field: [old, new]} as a person reads them."
    )
    changes_text = fields.Text(string="Changes", compute="_compute_changes_text")
    entry = fields.Json(help="The bundle entry (or the values) this line applies.")
    note = fields.Char()

    def _compute_model_description(self):
        for line in self:
            model = self.env.get(line.model_name)
            line.model_description = model._description if model is not None else line.model_name

    def _compute_changes_text(self):
        for line in self:
            model = self.env.get(line.model_name)
            rows = []
            for name, (old, new) in sorted((line.changes or {}).items()):
                field = model._fields.get(name) if model is not None else None
                label = field.string if field else name
                rows.append(f"{label}: {old} → {new}" if old else f"{label}: {new}")
            line.changes_text = "\n".join(rows)
