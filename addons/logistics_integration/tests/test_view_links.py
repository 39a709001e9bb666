from lxml import etree

from odoo.tools.safe_eval import safe_eval

from .common import LogisticsIntegrationCase


class TestViewLinks(LogisticsIntegrationCase):
    """A many2one links to its record's form only for users who may read its model:
    for others the link could only end in an access error."""

    def _link_options(self, user, model, field_name):
        arch = self.env[model].with_user(user).get_views([(False, "form")])["views"]["form"]
        [node] = etree.fromstring(arch["arch"]).xpath(f"//field[@name='{field_name}']")
        return safe_eval(node.get("options") or "{}")

    def test_link_to_a_model_the_user_cannot_read_does_not_open(self):
        self.assertFalse(self.env["ir.model"].with_user(self.logistics_manager).has_access("read"))
        options = self._link_options(self.logistics_manager, "queue.job.function", "model_id")
        self.assertTrue(options.get("no_open"))

    def test_link_opens_for_users_who_can_read_its_model(self):
        admin = self.env.ref("base.user_admin")
        self.assertFalse(self._link_options(admin, "queue.job.function", "model_id").get("no_open"))
        options = self._link_options(
            self.logistics_manager, "logistics.endpoint", "responsible_user_id"
        )
        self.assertFalse(options.get("no_open"))
