import json

from odoo.addons.logistics_change_control.bundle import content_hash
from odoo.addons.logistics_integration.tests.common import LogisticsIntegrationCase


class ChangeControlCase(LogisticsIntegrationCase):
    """Two Integration Administrators of both companies: one asks, the other approves."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        both = [cls.company.id, cls.other_company.id]
        cls.requester = cls._create_user(
            "lgx_cc_requester", "logistics_integration.group_integration_admin"
        )
        cls.approver = cls._create_user(
            "lgx_cc_approver", "logistics_integration.group_integration_admin"
        )
        (cls.requester | cls.approver).write({"company_ids": [(6, 0, both)]})
        cls.requests = cls.env["logistics.change.request"]
        cls.exchange_type = cls.env["logistics.exchange.type"].create(
            {
                "name": "Change control orders",
                "code": "cc_orders",
                "endpoint_id": cls.endpoint.id,
                "direction": "outbound",
                "schema_name": "cc-order",
                "schema_version": "1",
            }
        )

    def _export(self, company=None):
        return self.requests.with_user(self.requester).export_bundle(company and company.id)

    def _import(self, document, company=None, url_mapping=None):
        return self.requests.with_user(self.requester).import_bundle(
            json.dumps(document), company_id=company and company.id, url_mapping=url_mapping
        )

    @staticmethod
    def _rehash(document):
        document["content_hash"] = content_hash(document["records"])
        return document

    @staticmethod
    def _entry(document, model, **key):
        return next(
            entry
            for entry in document["records"]
            if entry["model"] == model
            and all(entry["key"].get(name) == value for name, value in key.items())
        )

    @staticmethod
    def _line(request, model, label):
        return request.line_ids.filtered(
            lambda line: line.model_name == model and line.record_label == label
        )

    def _approve_and_apply(self, request):
        request.with_user(self.approver).action_approve()
        request.with_user(self.approver).action_apply()
