from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class LogisticsBatch(models.Model):
    """A batch an addon registers for one data domain of the ownership matrix.

    The matrix line of the domain says how often it runs (its update mode), remembers
    the window it last covered and who hears about failures; the batch says what runs:
    ``model_name._method_name(companies, window)``, which returns ``(summary, complete)``.
    An incomplete run keeps its window, so the batch must be idempotent.
    """

    _name = "logistics.batch"
    _description = "Logistics Batch"
    _order = "domain"

    name = fields.Char(required=True, translate=True)
    domain = fields.Char(
        required=True,
        help="The data domain of the ownership matrix whose window this batch covers.",
    )
    model_name = fields.Char(string="Model", required=True)
    method_name = fields.Char(
        string="Method",
        required=True,
        help="A private method of the model, called with the companies and the window.",
    )
    active = fields.Boolean(default=True, help="Archived batches do not run.")

    _sql_constraints = [
        ("domain_unique", "unique(domain)", "A data domain has one batch."),
    ]

    @api.constrains("domain", "model_name", "method_name")
    def _check_target(self):
        domains = dict(self.env["logistics.data.ownership"]._fields["domain"].selection)
        for batch in self:
            if batch.domain not in domains:
                raise ValidationError(
                    _(
                        "%(domain)s is not a domain of the data-ownership matrix.",
                        domain=batch.domain,
                    )
                )
            model = self.env.get(batch.model_name)
            if (
                model is None
                or not batch.method_name.startswith("_")
                or not callable(getattr(model, batch.method_name, None))
            ):
                raise ValidationError(
                    _(
                        "%(model)s has no private method %(method)s to run as a batch.",
                        model=batch.model_name,
                        method=batch.method_name,
                    )
                )

    def _run(self, companies, window):
        """Run the batch for ``companies`` over ``window``: ``(summary, complete)``."""
        self.ensure_one()
        return getattr(self.env[self.model_name].sudo(), self.method_name)(companies, window)
