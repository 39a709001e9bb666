from odoo.tests.common import new_test_user

from .common import LogisticsIntegrationCase


class TestAssignee(LogisticsIntegrationCase):
    """One rule picks who gets a logistics activity: only users who may open the record."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Users = cls.env["res.users"]
        cls.outsider = new_test_user(cls.env, login="lgx_outsider", groups="base.group_user")
        cls.foreign_user = cls._create_user(
            "lgx_foreign", "logistics_integration.group_logistics_user", cls.other_company
        )
        cls.foreign_endpoint = cls._create_endpoint(code="foreign", company_id=cls.other_company.id)

    def test_first_preferred_user_who_may_open_the_record(self):
        preferred = self.outsider | self.foreign_user | self.logistics_user
        self.assertEqual(
            self.Users._logistics_get_assignee(self.endpoint, preferred), self.logistics_user
        )

    def test_users_who_cannot_act_fall_back_to_an_administrator_of_the_company(self):
        self.logistics_user.active = False
        portal = new_test_user(self.env, login="lgx_portal", groups="base.group_portal")
        assignee = self.Users._logistics_get_assignee(
            self.endpoint, self.outsider | self.foreign_user | self.logistics_user | portal
        )
        self.assertTrue(assignee.has_group("logistics_integration.group_integration_admin"))
        self.assertIn(self.company, assignee.company_ids)
        self.assertTrue(self.endpoint.with_user(assignee).has_access("read"))

    def test_group_names_the_role_that_must_act(self):
        assignee = self.Users._logistics_get_assignee(
            self.endpoint, group="logistics_integration.group_logistics_manager"
        )
        self.assertTrue(assignee.has_group("logistics_integration.group_logistics_manager"))

    def test_endpoint_failures_go_to_its_responsible_when_they_may_open_the_record(self):
        self.foreign_endpoint.responsible_user_id = self.foreign_user
        self.assertEqual(
            self.foreign_endpoint._get_failure_assignee(self.foreign_endpoint), self.foreign_user
        )
        # The responsible of one company's endpoint is not asked about another
        # company's record.
        self.assertNotEqual(
            self.foreign_endpoint._get_failure_assignee(self.endpoint), self.foreign_user
        )
