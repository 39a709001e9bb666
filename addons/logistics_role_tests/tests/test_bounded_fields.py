import re
from datetime import datetime

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from odoo.addons.logistics_integration.tests.common import LogisticsIntegrationCase

from .common import new_role_user

LOGISTICS_USER = "logistics_integration.group_logistics_user"
LOGISTICS_MANAGER = "logistics_integration.group_logistics_manager"
INTEGRATION_ADMIN = "logistics_integration.group_integration_admin"
FREIGHT_AUDITOR = "logistics_settlement.group_freight_auditor"
BRIDGE = "logistics_inbound.group_logistics_bridge"
SALESMAN = "sales_team.group_sale_salesman"
STOCK_MANAGER = "stock.group_stock_manager"
SETTINGS_ADMIN = "base.group_system"

# What a role gets when it writes a value out of a field's bounds: refused naming the
# field when the role may edit the field, refused the write itself when it may not.
REFUSED, FORBIDDEN = ValidationError, AccessError
# (model, field, a value out of its bounds, {role: what the role gets})
BOUNDED_FIELDS = [
    (
        "logistics.endpoint",
        "max_retries",
        0,
        {INTEGRATION_ADMIN: REFUSED, LOGISTICS_MANAGER: FORBIDDEN, BRIDGE: FORBIDDEN},
    ),
    (
        "logistics.exchange.type",
        "sla_window_hours",
        0,
        {INTEGRATION_ADMIN: REFUSED, LOGISTICS_MANAGER: FORBIDDEN},
    ),
    ("logistics.exchange.type", "sla_max_failure_rate", 100.5, {INTEGRATION_ADMIN: REFUSED}),
    ("logistics.overview.card", "warning_threshold", -1, {INTEGRATION_ADMIN: REFUSED}),
    ("logistics.overview.card", "danger_threshold", -1, {LOGISTICS_MANAGER: FORBIDDEN}),
    (
        "logistics.carrier.tolerance",
        "percent_over",
        101,
        {LOGISTICS_MANAGER: REFUSED, LOGISTICS_USER: FORBIDDEN, FREIGHT_AUDITOR: FORBIDDEN},
    ),
    ("logistics.carrier.tolerance", "amount_under", -1, {INTEGRATION_ADMIN: REFUSED}),
    (
        "logistics.case.type",
        "sla_hours",
        0,
        {INTEGRATION_ADMIN: REFUSED, LOGISTICS_MANAGER: FORBIDDEN},
    ),
    ("logistics.case", "claim_amount", -1, {LOGISTICS_USER: REFUSED, SALESMAN: FORBIDDEN}),
    ("logistics.case", "claim_refund_amount", -1, {LOGISTICS_MANAGER: REFUSED}),
    ("product.template", "weight", -0.5, {STOCK_MANAGER: REFUSED, LOGISTICS_MANAGER: FORBIDDEN}),
    (
        "logistics.auth.secret.wizard",
        "overlap_days",
        366,
        {INTEGRATION_ADMIN: REFUSED, LOGISTICS_MANAGER: FORBIDDEN},
    ),
    ("res.config.settings", "logistics_log_retention_days", -1, {SETTINGS_ADMIN: REFUSED}),
    (
        "res.config.settings",
        "logistics_bridge_stale_seconds",
        0,
        {SETTINGS_ADMIN: REFUSED, INTEGRATION_ADMIN: FORBIDDEN},
    ),
    ("res.config.settings", "logistics_pod_delay_hours", -1, {SETTINGS_ADMIN: REFUSED}),
    ("res.config.settings", "logistics_tolerance_percent_under", 101, {SETTINGS_ADMIN: REFUSED}),
    (
        "res.company",
        "logistics_log_payload_max_bytes",
        -1,
        {SETTINGS_ADMIN: REFUSED, INTEGRATION_ADMIN: FORBIDDEN},
    ),
]


@tagged("post_install", "-at_install")
class TestBoundedFieldsPerRole(LogisticsIntegrationCase):
    """A number outside its bounds, typed by each role as that role: refused naming the
    field to a role that may edit it, refused altogether to one that may not. The admin's
    refusals are tested with each addon; here the roles are."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.role_users = {
            role: new_role_user(cls.env, f"bounds_{role.replace('.', '_')}", role, cls.company)
            for role in {role for row in BOUNDED_FIELDS for role in row[3]}
        }
        carrier_product = cls.env["product.product"].create(
            {"name": "Bounded Freight", "type": "service"}
        )
        carrier = cls.env["delivery.carrier"].create(
            {"name": "Bounded Road", "product_id": carrier_product.id, "delivery_type": "fixed"}
        )
        shipment = cls.env["logistics.shipment"].create(
            {"partner_id": cls.env["res.partner"].create({"name": "Bounded Customer"}).id}
        )
        case_type = cls.env.ref("logistics_case.case_type_damage")
        recipe = cls.env["logistics.auth.recipe"].create(
            {
                "name": "Bounded Recipe",
                "endpoint_id": cls.endpoint.id,
                "scheme": "hmac",
                "header": "X-Signature",
            }
        )
        # What each role edits: a record of the model, or (a wizard, the settings) a new
        # one created with these values.
        cls.records = {
            "logistics.endpoint": cls.endpoint,
            "logistics.exchange.type": cls.env["logistics.exchange.type"].search([], limit=1),
            "logistics.overview.card": cls.env["logistics.overview.card"].search([], limit=1),
            "logistics.carrier.tolerance": cls.env["logistics.carrier.tolerance"].create(
                {"carrier_id": carrier.id}
            ),
            "logistics.case.type": case_type,
            "logistics.case": cls.env["logistics.case"].create(
                {
                    "shipment_id": shipment.id,
                    "case_type_id": case_type.id,
                    "user_id": cls.logistics_manager.id,
                    "date_deadline": datetime(2026, 3, 4, 12, 0),
                }
            ),
            "product.template": cls.env["product.template"].create({"name": "Bounded Widget"}),
            "res.company": cls.company,
        }
        cls.new_values = {
            "logistics.auth.secret.wizard": {"recipe_id": recipe.id, "rotate": True},
            "res.config.settings": {},
        }

    def _write(self, model, field_name, value, user):
        if model in self.records:
            self.records[model].with_user(user).write({field_name: value})
        else:
            self.env[model].with_user(user).create({**self.new_values[model], field_name: value})
        self.env.flush_all()

    def _label(self, model, field_name):
        """The field's label as the refusal names it: a setting's is its company field's."""
        field = self.env[model]._fields[field_name]
        return (field.related_field if field.related else field).string

    def test_fixture_has_a_record_of_every_model(self):
        self.assertTrue(all(self.records.values()))
        self.assertEqual(
            {row[0] for row in BOUNDED_FIELDS}, set(self.records) | set(self.new_values)
        )

    def test_out_of_range_value_is_refused_to_each_role_as_that_role(self):
        for model, field_name, value, refusals in BOUNDED_FIELDS:
            label = re.escape(self._label(model, field_name))
            for role, refusal in refusals.items():
                with (
                    self.subTest(model=model, field=field_name, role=role),
                    self.assertRaisesRegex(refusal, label if refusal is REFUSED else ""),
                    self.env.cr.savepoint(),
                ):
                    self._write(model, field_name, value, self.role_users[role])
