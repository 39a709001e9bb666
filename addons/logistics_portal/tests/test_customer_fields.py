from datetime import datetime

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.mail.tools.discuss import Store

from .common import LogisticsPortalCase

CUSTOMER_READABLE = "logistics.customer.readable"


class CustomerFieldsCase(LogisticsPortalCase):
    """Checks what a customer reads of a model against its allow-list, field by field."""

    def _customer_models(self):
        """The logistics models a portal user may read (ir.model.access)."""
        customer_env = self.env(user=self.portal_a)
        return [
            name
            for name, model_class in self.env.registry.items()
            if name.startswith("logistics.")
            and not model_class._abstract
            and customer_env[name].has_access("read")
        ]

    def assertCustomerReadsDeclaredFieldsOnly(self, records):
        """``records`` (the portal user's, possibly none): every declared field is
        described and reads as it is, every other field is absent from the description
        and refused to ``read``, ``search`` and sorting."""
        as_customer = records.with_user(self.portal_a)
        allowed = as_customer._get_portal_fields()
        described = as_customer.fields_get()
        self.assertLessEqual(allowed, set(as_customer._fields), "declared fields exist")
        for name, field in as_customer._fields.items():
            with self.subTest(model=records._name, field=name):
                if name in allowed:
                    self.assertIn(name, described)
                    if records:
                        expected = records.sudo().read([name])
                        # as a request would: from the database, not from the values the
                        # test's own writes left in the cache
                        self.env.invalidate_all()
                        self.assertEqual(as_customer.read([name]), expected)
                    continue
                self.assertNotIn(name, described)
                with self.assertRaises(AccessError):
                    as_customer.read([name])
                if field.store and field.column_type:
                    with self.assertRaises(AccessError):
                        as_customer.search([(name, "!=", False)])
                    with self.assertRaises(AccessError):
                        as_customer.search([], order=name)


@tagged("post_install", "-at_install")
class TestCustomerFields(CustomerFieldsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.milestone = cls._add_milestone(
            cls.shipment_a,
            "in_transit",
            datetime(2026, 3, 2, 9, 30),
            raw_code="X1",
            note="Driver called in sick",
        )

    def test_every_logistics_model_customers_read_has_an_allow_list(self):
        models = self._customer_models()
        self.assertLessEqual({"logistics.shipment", "logistics.milestone"}, set(models))
        readable = self.env.registry[CUSTOMER_READABLE]
        for name in models:
            self.assertTrue(
                issubclass(self.env.registry[name], readable),
                f"{name}: portal users may read it, so it declares its customer-safe fields",
            )

    def test_customer_reads_only_declared_fields_of_every_model(self):
        customer_env = self.env(user=self.portal_a)
        own = {
            "logistics.shipment": self.shipment_a,
            "logistics.milestone": self.milestone,
        }
        for name in self._customer_models():
            records = own.get(name) or customer_env[name].search([], limit=1).sudo()
            self.assertCustomerReadsDeclaredFieldsOnly(records)

    def test_undeclared_field_is_refused_whatever_its_groups(self):
        # The responsible has no ``groups``: only the allow-list keeps it from customers.
        self.assertFalse(self.env["logistics.shipment"]._fields["user_id"].groups)
        self.shipment_a.user_id = self.logistics_user
        as_customer = self.shipment_a.with_user(self.portal_a)
        with self.assertRaises(AccessError):
            as_customer.read(["user_id"])
        self.assertNotIn("user_id", as_customer.read()[0])
        self.assertEqual(as_customer.read()[0]["name"], self.shipment_a.name)
        with self.assertRaises(AccessError):
            as_customer.search([("user_id", "=", self.logistics_user.id)])
        self.assertEqual(
            self.shipment_a.with_user(self.logistics_user).user_id, self.logistics_user
        )

    def test_field_added_later_is_refused_until_declared(self):
        self.env["ir.model.fields"].create(
            {
                "model_id": self.env["ir.model"]._get_id("logistics.shipment"),
                "name": "x_carrier_remark",
                "field_description": "Carrier remark",
                "ttype": "char",
            }
        )
        self.shipment_a.x_carrier_remark = "Customer was rude on the phone"
        as_customer = self.shipment_a.with_user(self.portal_a)
        self.assertNotIn("x_carrier_remark", as_customer.fields_get())
        with self.assertRaises(AccessError):
            as_customer.read(["x_carrier_remark"])
        self.assertNotIn("x_carrier_remark", as_customer.read()[0])
        with self.assertRaises(AccessError):
            as_customer.search_read([], ["name", "x_carrier_remark"])
        with self.assertRaises(AccessError):
            as_customer.web_read({"x_carrier_remark": {}})
        self.assertEqual(
            self.shipment_a.with_user(self.logistics_user).read(["x_carrier_remark"])[0][
                "x_carrier_remark"
            ],
            "Customer was rude on the phone",
        )

    def test_chatter_shows_customers_changes_of_declared_fields_only(self):
        message = self.shipment_a.message_post(
            body="Carrier and pickup planned",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        fields_model = self.env["ir.model.fields"]
        trackings = self.env["mail.tracking.value"].create(
            [
                {
                    "mail_message_id": message.id,
                    "field_id": fields_model._get("logistics.shipment", name).id,
                    "new_value_char": value,
                }
                # the carrier is declared customer-safe, the planned pickup is not
                for name, value in (("carrier_id", "Parcel Express"), ("planned_date", "Monday"))
            ]
        )

        def shown_to(user):
            shown = trackings._filter_has_field_access(self.env(user=user))
            return set(shown.field_id.mapped("name"))

        self.assertEqual(shown_to(self.portal_a), {"carrier_id"})
        self.assertEqual(shown_to(self.logistics_user), {"carrier_id", "planned_date"})
        # The portal chatter's data for this message, as the customer loads it.
        store = Store(message.with_user(self.portal_a), for_current_user=True)
        [loaded] = store.get_result()["mail.message"]
        self.assertEqual([value["changedField"] for value in loaded["trackingValues"]], ["Carrier"])

    def test_internal_users_read_every_field(self):
        as_user = self.shipment_a.with_user(self.logistics_user)
        described = as_user.fields_get()
        self.assertIn("user_id", described)
        self.assertIn("correlation_id", described)
        self.assertEqual(
            as_user.read(["correlation_id"])[0]["correlation_id"], as_user.correlation_id
        )
