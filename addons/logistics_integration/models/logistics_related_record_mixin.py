from odoo import api, fields, models


class LogisticsRelatedRecordMixin(models.AbstractModel):
    """Opens the record a logistics record is about (its ``res_id`` reference field)
    for the people who may read it.

    Exchanges are read by every logistics role, the records they are about (sale
    orders, invoices, bills) by their own apps' users only: the *Record* button is
    offered to those who may open it, never as a way into an access error.
    """

    _name = "logistics.related.record.mixin"
    _description = "Logistics Related Record Mixin"

    can_open_record = fields.Boolean(
        compute="_compute_can_open_record",
        help="The related record exists and the current user may read it.",
    )
    record_name = fields.Char(
        string="Related Record Name",
        compute="_compute_record_name",
        help="The document this is about, e.g. the shipment.",
    )
    record_ref = fields.Reference(
        string="Related Record",
        selection="_selection_record_ref",
        compute="_compute_can_open_record",
        help="The document this is about, for those who may open it.",
    )

    @api.model
    def _selection_record_ref(self):
        return [(model.model, model.name) for model in self.env["ir.model"].sudo().search([])]

    # The reference field is the inheriting model's (the mixin itself has none).
    @api.depends(
        lambda self: ("res_id", self._fields["res_id"].model_field) if "res_id" in self else ()
    )
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_can_open_record(self):
        for line in self:
            record = line._get_readable_record()
            line.can_open_record = bool(record)
            line.record_ref = f"{record._name},{record.id}" if record else False

    @api.depends(
        lambda self: ("res_id", self._fields["res_id"].model_field) if "res_id" in self else ()
    )
    def _compute_record_name(self):
        # Named for people allowed to read this line; the record itself keeps its own rules.
        for line in self:
            model = line[line._fields["res_id"].model_field]
            record = (
                self.env[model].sudo().browse(line.res_id).exists()
                if model in self.env and line.res_id
                else None
            )
            line.record_name = f"{record._description} {record.display_name}" if record else False

    def _get_readable_record(self):
        """The related record, as the current user, or None when it does not exist
        or they may not read it."""
        self.ensure_one()
        model = self[self._fields["res_id"].model_field]
        if not (model and self.res_id) or model not in self.env:
            return None
        record = self.env[model].browse(self.res_id).exists()
        return record if record and record.has_access("read") else None

    def action_open_record(self):
        self.ensure_one()
        record = self._get_readable_record()
        return record.get_formview_action() if record else False
