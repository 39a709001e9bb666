from odoo import models

# Names the model whose defaults the values already carry (see _prepare_create_values).
DEFAULTS_ADDED = "logistics_bulk_defaults_added"


class LogisticsBulkCreateMixin(models.AbstractModel):
    """Records created by the hundred with every inbound batch (milestones, inbox, log).

    Odoo asks for the defaults and checks the companies of a created batch record by
    record, which cost more than writing the rows; here both are done once per batch
    with the same rules: defaults once per set of given fields, the company check once
    per company and field.
    """

    _name = "logistics.bulk.create.mixin"
    _description = "Logistics Bulk Create Mixin"

    # Fields whose own default differs for every record (a fresh identifier): never
    # shared, taken from the field for each record.
    _bulk_record_defaults = ()

    def _prepare_create_values(self, vals_list):
        if len(vals_list) < 2:
            return super()._prepare_create_values(vals_list)
        shared = {}
        completed = []
        for vals in vals_list:
            given = frozenset(vals)
            if given not in shared:
                defaults = self._add_missing_default_values(vals)
                shared[given] = {
                    name: value
                    for name, value in defaults.items()
                    if name not in vals and name not in self._bulk_record_defaults
                }
            fresh = {
                name: self._fields[name].default(self)
                for name in self._bulk_record_defaults
                if name not in vals
            }
            completed.append({**shared[given], **fresh, **vals})
        bulk = self.with_context(**{DEFAULTS_ADDED: self._name})
        return super(LogisticsBulkCreateMixin, bulk)._prepare_create_values(completed)

    def _add_missing_default_values(self, values):
        if self.env.context.get(DEFAULTS_ADDED) == self._name:
            return dict(values)
        return super()._add_missing_default_values(values)

    def _check_company(self, fnames=None):
        if len(self) < 2 or "company_id" not in self._fields:
            return super()._check_company(fnames)
        names = fnames
        if fnames is None or {"company_id", "company_ids"} & set(fnames):
            names = self._fields
        checked = [
            field
            for field in (self._fields[name] for name in names)
            if field.relational and field.check_company
        ]
        if any(field.company_dependent for field in checked):
            return super()._check_company(fnames)
        companies = self.mapped("company_id")
        # A batch is most often one company's: grouping it record by record costs more
        # than the check itself.
        groups = {companies: self} if len(companies) < 2 else self.grouped("company_id")
        for company, records in groups.items():
            for field in checked:
                linked = records.sudo()[field.name]
                if not linked:
                    continue
                domain = linked._check_company_domain(company)
                if linked != linked.with_context(active_test=False).filtered_domain(domain):
                    # An inconsistency: the record-by-record check names it.
                    return super()._check_company(fnames)
        return None
