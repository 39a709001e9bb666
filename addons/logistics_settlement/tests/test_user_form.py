from lxml import etree

from odoo.tests.common import TransactionCase

from odoo.addons.base.models.res_users import name_selection_groups


class TestLogisticsUserForm(TransactionCase):
    """An administrator gives the Logistics roles on the user form, without developer
    mode: one Logistics section with the ranked roles as one choice and the Freight
    Auditor duty as another."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.groups"]._update_user_groups_view()
        cls.arch = etree.fromstring(cls.env.ref("base.user_groups_view").arch)
        cls.roles = (
            cls.env.ref("logistics_integration.group_logistics_user")
            | cls.env.ref("logistics_integration.group_logistics_manager")
            | cls.env.ref("logistics_integration.group_integration_admin")
        )
        cls.auditor = cls.env.ref("logistics_settlement.group_freight_auditor")

    def _visible_field(self, groups):
        """The user form's field for ``groups``, checked to be shown outside developer
        mode, with the title of the section it is in."""
        [field] = self.arch.xpath(f"//field[@name='{name_selection_groups(groups.ids)}']")
        for node in [field, *field.iterancestors()]:
            self.assertNotIn("base.group_no_one", node.get("groups", ""), node.tag)
        return field, field.getparent().get("string")

    def _choices(self, groups):
        name = name_selection_groups(groups.ids)
        return self.env["res.users"].fields_get([name])[name]

    def test_logistics_roles_are_one_choice_from_user_to_integration_administrator(self):
        _field, section = self._visible_field(self.roles)
        self.assertEqual(section, "Logistics")
        choices = self._choices(self.roles)
        self.assertEqual(choices["string"], "Logistics")
        self.assertEqual(
            [label for value, label in choices["selection"] if value],
            ["Logistics User", "Logistics Manager", "Integration Administrator"],
        )

    def test_freight_auditor_is_offered_in_the_logistics_section(self):
        _field, section = self._visible_field(self.auditor)
        self.assertEqual(section, "Logistics")
        choices = self._choices(self.auditor)
        self.assertEqual(choices["string"], "Freight Audit")
        self.assertEqual(
            [label for value, label in choices["selection"] if value], ["Freight Auditor"]
        )

    def test_choosing_on_the_form_gives_the_groups(self):
        user = (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Form Picked",
                    "login": "lgx_form_picked",
                    name_selection_groups(self.roles.ids): self.roles[1].id,
                    name_selection_groups(self.auditor.ids): self.auditor.id,
                }
            )
        )
        self.assertTrue(user.has_group("logistics_integration.group_logistics_manager"))
        self.assertTrue(user.has_group("logistics_settlement.group_freight_auditor"))
        self.assertFalse(user.has_group("logistics_integration.group_integration_admin"))
