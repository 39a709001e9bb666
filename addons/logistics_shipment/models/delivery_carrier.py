from odoo import api, fields, models
from odoo.osv import expression


def _ilike_literal(value):
    """``value`` for an ``=ilike`` comparison that matches it literally."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    logistics_carrier_code = fields.Char(
        index=True,
        help="Code external systems use for this carrier: sent to the TMS as carrier "
        "preference and recognised first in what any source sends.",
    )
    logistics_alias_ids = fields.One2many(
        comodel_name="logistics.carrier.alias",
        inverse_name="carrier_id",
        string="Names at Sources",
        help="What a source calls this carrier, when it uses neither its code nor its name.",
    )

    @api.model
    def _logistics_resolve(self, names, endpoint):
        """Carriers a source means by ``names``, as ``{name: carrier}``.

        Every name is matched, in this order, against the carriers' logistics
        code, then their name (case-insensitive), then the aliases of
        ``endpoint``; only carriers shared by all companies or belonging to the
        endpoint's company count. Names that match nothing are left out of the
        result, so the caller decides what an unknown carrier means.
        """
        pending = {name for name in names if name}
        if not pending:
            return {}
        carriers = self.sudo()
        company_domain = [("company_id", "in", [False, endpoint.company_id.id])]
        found = {}
        for carrier in carriers.search(
            [("logistics_carrier_code", "in", list(pending)), *company_domain]
        ):
            found.setdefault(carrier.logistics_carrier_code, carrier)
        pending -= set(found)
        if pending:
            by_name = {name.casefold(): name for name in pending}
            name_domain = expression.OR(
                [[("name", "=ilike", _ilike_literal(name))] for name in pending]
            )
            for carrier in carriers.search([*name_domain, *company_domain]):
                name = by_name.get(carrier.name.casefold())
                if name:
                    found.setdefault(name, carrier)
            pending -= set(found)
        if pending:
            aliases = (
                self.env["logistics.carrier.alias"]
                .sudo()
                .search(
                    [
                        ("endpoint_id", "=", endpoint.id),
                        ("alias", "in", list(pending)),
                        ("carrier_id.company_id", "in", [False, endpoint.company_id.id]),
                    ]
                )
            )
            for alias in aliases:
                found.setdefault(alias.alias, alias.carrier_id)
        return {name: carrier.with_env(self.env) for name, carrier in found.items()}
