from odoo.exceptions import AccessError

from .common import LogisticsIntegrationCase


class TestJobAccess(LogisticsIntegrationCase):
    """Logistics Managers and Integration Administrators read the logistics jobs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.logistics_job = cls.endpoint.with_delay()._ensure_job_channel().db_record()
        cls.other_job = (
            cls.env["res.partner"].with_delay(channel="root").name_search("x").db_record()
        )

    def _visible_jobs(self, user):
        return (
            self.env["queue.job"]
            .with_user(user)
            .search([("id", "in", (self.logistics_job | self.other_job).ids)])
        )

    def test_logistics_roles_read_logistics_jobs_only(self):
        for user in (self.logistics_manager, self.integration_admin):
            with self.subTest(user=user.login):
                jobs = self._visible_jobs(user)
                self.assertEqual(jobs, self.logistics_job)
                values = jobs.read(["name", "channel", "state", "job_function_id", "date_created"])
                self.assertEqual(values[0]["name"], self.logistics_job.name)
                with self.assertRaises(AccessError):
                    jobs.write({"priority": 1})

    def test_job_queue_managers_still_read_every_job(self):
        admin = self.env.ref("base.user_admin")
        self.assertTrue(admin.has_group("logistics_integration.group_integration_admin"))
        self.assertEqual(self._visible_jobs(admin), self.logistics_job | self.other_job)

    def test_logistics_users_read_no_job(self):
        with self.assertRaises(AccessError):
            self._visible_jobs(self.logistics_user)

    def test_jobs_menu_for_managers_and_administrators(self):
        menu = self.env.ref("logistics_integration.menu_logistics_queue_job")
        self.assertEqual(
            menu.parent_id, self.env.ref("logistics_integration.menu_logistics_integration")
        )
        for user, visible in (
            (self.logistics_user, False),
            (self.logistics_manager, True),
            (self.integration_admin, True),
        ):
            with self.subTest(user=user.login):
                menus = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
                self.assertEqual(menu.id in menus, visible)
