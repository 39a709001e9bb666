from odoo import _, api, models
from odoo.exceptions import AccessError


class LogisticsCustomerReadable(models.AbstractModel):
    """A record customers (portal and public users) read, field by field.

    Customers read only the fields declared customer-safe: every class of the model,
    its definition and each extension, lists in ``_portal_fields`` the customer-safe
    fields it knows of, and the model's allow-list is their union. Any other field is
    refused to customers in ``read``, ``search`` (domain and order), ``fields_get``
    and the web client, whatever its ``groups``: a new field stays internal until
    someone declares it customer-safe. Code that must use internal fields for a
    customer (portal pages, e-mails) reads them with ``sudo()``.
    """

    _name = "logistics.customer.readable"
    _description = "Logistics record customers read"
    _portal_fields = frozenset({"id"})

    @api.model
    def _get_portal_fields(self):
        """The model's customer-safe field names."""
        return frozenset().union(
            *(vars(cls).get("_portal_fields", ()) for cls in type(self).__mro__)
        )

    @api.model
    def _is_customer_env(self):
        return not self.env.su and self.env.user.share

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        description = super().fields_get(allfields=allfields, attributes=attributes)
        if not self._is_customer_env():
            return description
        allowed = self._get_portal_fields()
        return {name: field for name, field in description.items() if name in allowed}

    @api.model
    def check_field_access_rights(self, operation, field_names):
        names = super().check_field_access_rights(operation, field_names)
        if not self._is_customer_env():
            return names
        allowed = self._get_portal_fields()
        if not field_names:
            return [name for name in names if name in allowed]
        refused = sorted(
            name for name in field_names if name in self._fields and name not in allowed
        )
        if refused:
            raise AccessError(
                _(
                    "Customers may not access the fields %(fields)s of %(model)s "
                    "(operation: %(operation)s).",
                    fields=", ".join(refused),
                    model=self._description,
                    operation=operation,
                )
            )
        return names

    def _determine_fields_to_fetch(self, field_names, ignore_when_in_cache=False):
        if not self._is_customer_env():
            return super()._determine_fields_to_fetch(field_names, ignore_when_in_cache)
        # Prefetching (a prefetch group, a computed field's dependencies) stays within the
        # allow-list; a field asked for by name was refused already if undeclared.
        allowed = self._get_portal_fields()
        fields_to_fetch = super()._determine_fields_to_fetch(
            [name for name in field_names if name in allowed], ignore_when_in_cache
        )
        return [field for field in fields_to_fetch if field.name in allowed]
