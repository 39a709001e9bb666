from odoo.tests.common import new_test_user

from odoo.addons.logistics_integration.tests.common import trap_jobs
from odoo.addons.logistics_shipment.tests.common import LogisticsShipmentCase

__all__ = ["LogisticsPortalCase", "trap_jobs"]


class LogisticsPortalCase(LogisticsShipmentCase):
    """Two customers, each with a portal user and a shipment."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write(
            {"phone": "+31 20 555 0199", "street": "Keizersgracht 1", "city": "Amsterdam"}
        )
        cls.contact_a = cls.env["res.partner"].create(
            {"name": "Ann Acme", "parent_id": cls.customer.id, "email": "ann@acme.example"}
        )
        cls.customer_b = cls.env["res.partner"].create(
            {"name": "Beta Stores", "is_company": True, "email": "info@beta.example"}
        )
        cls.portal_a = cls._create_portal_user("portal_a", cls.contact_a)
        cls.portal_b = cls._create_portal_user("portal_b", cls.customer_b)
        cls.shipment_a = cls._create_shipment()
        cls.shipment_b = cls._create_shipment(partner_id=cls.customer_b.id)

    @classmethod
    def _create_portal_endpoint(cls, **values):
        """A customer portal endpoint (no authentication of outbound calls)."""
        vals = {
            "name": "Customer Portal",
            "code": "customer_portal",
            "kind": "customer_portal",
            "base_url": "https://portal.example",
            "auth_scheme": "none",
        }
        vals.update(values)
        return cls._create_endpoint(**vals)

    @classmethod
    def _create_portal_user(cls, login, partner):
        return new_test_user(
            cls.env,
            login=login,
            password=f"{login}-Passw0rd!",
            groups="base.group_portal",
            partner_id=partner.id,
            company_id=cls.company.id,
            company_ids=[(6, 0, [cls.company.id])],
        )
