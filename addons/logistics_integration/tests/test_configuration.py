import re

from odoo.tools.safe_eval import safe_eval

from .common import LogisticsIntegrationCase

# Words Odoo writes wrongly when it makes a label of a field name ("api_key_header"
# becomes "Api Key Header"): a field whose label has one needs string=.
MISCASED_WORDS = {"Api", "Url", "Uri", "Id", "Http", "Https", "Json", "Sla", "Tms", "Pod", "Edi"}


class TestConfiguration(LogisticsIntegrationCase):
    def _list_columns(self, model, xmlid=None):
        view_id = self.env.ref(xmlid).id if xmlid else False
        arch = self.env[model].get_views([(view_id, "list")])["views"]["list"]["arch"]
        return re.findall(r"<field ([^>]*)/>", arch)

    def test_labels_spell_acronyms_right(self):
        self.assertEqual(
            self.env["logistics.endpoint"]._fields["api_key_header"].string, "API Key Header"
        )
        miscased = []
        for model_name in self.env.registry:
            for name, field in self.env[model_name]._fields.items():
                if not (field._module or "").startswith("logistics_"):
                    continue
                words = set(re.findall(r"[A-Za-z0-9]+", field.string or ""))
                if words & MISCASED_WORDS:
                    miscased.append(f"{model_name}.{name}: {field.string}")
        self.assertEqual(miscased, [])

    def test_ownership_matrix_gives_its_key_columns_room(self):
        columns = self._list_columns("logistics.data.ownership")
        for name in ("domain", "system_of_record", "conflicting_edit_policy"):
            column = next(c for c in columns if f'name="{name}"' in c)
            self.assertRegex(column, r'width="\d+px"', name)
            self.assertNotIn("optional", column, name)

    def test_exchange_types_group_by_kind_and_direction_never_none(self):
        action = self.env.ref("logistics_integration.logistics_interface_action")
        context = safe_eval(action.context)
        self.assertEqual(
            {key for key, value in context.items() if key.startswith("search_default_group")},
            {"search_default_group_kind", "search_default_group_direction"},
        )
        # A template (no endpoint) belongs to a group like any other exchange type.
        self.env["logistics.exchange.type"].create(
            {
                "name": "Proof of delivery",
                "code": "pod_template",
                "endpoint_kind": "carrier",
                "direction": "inbound",
            }
        )
        groups = self.env["logistics.exchange.type"].read_group(
            [], ["endpoint_kind", "direction"], ["endpoint_kind", "direction"], lazy=False
        )
        self.assertTrue(groups)
        for group in groups:
            self.assertTrue(group["endpoint_kind"] and group["direction"], group)

    def test_copies_of_templates_answer_to_the_endpoint_responsible(self):
        self.env["logistics.exchange.type"].create(
            {
                "name": "Proof of delivery",
                "code": "pod_template",
                "endpoint_kind": "carrier",
                "direction": "inbound",
                "owner_id": self.integration_admin.id,
            }
        )
        endpoint = self._create_endpoint(
            code="parcels", kind="carrier", responsible_user_id=self.logistics_manager.id
        )
        copy = endpoint.exchange_type_ids.filtered(lambda t: t.code == "pod_template")
        self.assertFalse(copy.owner_id)
        self.assertEqual(copy._get_failure_assignee(), self.logistics_manager)

    def test_every_exchange_type_says_who_answers_its_failures(self):
        """Those of the data and demo data, and a new template nobody was named for."""
        exchange_types = (
            self.env["logistics.exchange.type"]
            .with_context(active_test=False)
            .search([("endpoint_id", "!=", self.endpoint.id)])
        )
        self.assertTrue(exchange_types)
        self.assertFalse(
            exchange_types.filtered(
                lambda t: not t.failure_owner_id or t.failure_owner_id.share
            ).mapped("code")
        )
        template = self.env["logistics.exchange.type"].create(
            {
                "name": "Proof of delivery",
                "code": "pod_unowned",
                "endpoint_kind": "carrier",
                "direction": "inbound",
            }
        )
        admins = self.env.ref("logistics_integration.group_integration_admin").users
        self.assertIn(template.failure_owner_id, admins)
        template.owner_id = self.logistics_manager
        self.assertEqual(template.failure_owner_id, self.logistics_manager)
