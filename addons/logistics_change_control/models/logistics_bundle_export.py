import base64
import json

from odoo import api, fields, models


class LogisticsBundleExport(models.TransientModel):
    """Export the configuration of one company as a bundle file (no secrets)."""

    _name = "logistics.bundle.export"
    _description = "Export Configuration Bundle"
    _order = "id desc"

    company_id = fields.Many2one(
        comodel_name="res.company", required=True, default=lambda self: self.env.company
    )
    bundle_file = fields.Binary(string="Bundle", readonly=True)
    bundle_filename = fields.Char(readonly=True)
    record_count = fields.Integer(readonly=True)
    environment = fields.Selection(
        selection=[("test", "Test"), ("production", "Production")], readonly=True
    )
    skipped_note = fields.Text(string="Skipped", readonly=True)

    @api.model
    def _document_vals(self, document):
        return {
            "bundle_file": base64.b64encode(json.dumps(document, indent=1).encode()),
            "bundle_filename": self.env["logistics.change.request"]._bundle_filename(document),
            "record_count": len(document["records"]),
            "environment": document["environment"],
            "skipped_note": "\n".join(
                f"{note['model']}: {note['reason']}" for note in document["skipped_models"]
            ),
        }

    def action_export(self):
        self.ensure_one()
        document = self.env["logistics.change.request"].export_bundle(self.company_id.id)
        self.write(self._document_vals(document))
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
