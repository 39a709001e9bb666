"""A TMS's format is spoken by its adapter (18.0.2.0.0): "profile" names the inbound
profiles' data records only. The abstract model ``logistics.tms.profile.generic.v1``
becomes ``logistics.tms.adapter.generic.v1`` and the endpoint's ``tms_profile`` its
``tms_adapter``, keeping each endpoint's choice."""

from odoo.addons.logistics_integration.upgrade import rename_field, rename_model


def migrate(cr, version):
    if not version:
        return
    rename_model(cr, "logistics.tms.profile.generic.v1", "logistics.tms.adapter.generic.v1")
    rename_field(cr, "logistics.endpoint", "tms_profile", "tms_adapter")
