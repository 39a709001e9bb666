from odoo.tests import HttpCase, tagged

from odoo.addons.logistics_integration.tests.common import LogisticsIntegrationCase

from .common import new_role_user

LOGISTICS_MANAGER = "logistics_integration.group_logistics_manager"


@tagged("post_install", "-at_install")
class TestCaseRuleWalk(LogisticsIntegrationCase, HttpCase):
    """A Logistics Manager of two companies reads the case rules of both in the browser,
    each with its source's company, and those for every source with none."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env["res.company"].create({"name": "Walk Company A"})
        cls.company_b = cls.env["res.company"].create({"name": "Walk Company B"})
        damage = cls.env.ref("logistics_case.case_type_damage")
        rules = cls.env["logistics.case.rule"]
        for code, company in (("WALK-A9", cls.company_a), ("WALK-B9", cls.company_b)):
            endpoint = cls._create_endpoint(
                name=f"TMS of {company.name}", code=f"walk_{code[5].lower()}", company_id=company.id
            )
            rules.create({"endpoint_id": endpoint.id, "raw_code": code, "case_type_id": damage.id})
        rules.create({"raw_code": "WALK-ANY", "case_type_id": damage.id})
        cls.manager = new_role_user(
            cls.env, "walk_rules_manager", LOGISTICS_MANAGER, cls.company_a | cls.company_b
        )

    def test_manager_of_two_companies_reads_each_rules_company(self):
        companies = self.company_a | self.company_b
        as_manager = self.env["logistics.case.rule"].with_user(self.manager)
        rules = as_manager.with_context(allowed_company_ids=companies.ids).search(
            [("raw_code", "like", "WALK-")]
        )
        self.assertEqual(
            {rule.raw_code: rule.company_id for rule in rules},
            {"WALK-A9": self.company_a, "WALK-B9": self.company_b, "WALK-ANY": companies[:0]},
        )
        self.start_tour(
            "/odoo/action-logistics_case.logistics_case_rule_action",
            "logistics_case_rule_companies",
            login=self.manager.login,
            cookies={"cids": "-".join(str(company.id) for company in companies)},
            timeout=300,
        )
