import json
import re
from pathlib import Path
from urllib.parse import urlparse

from odoo.exceptions import ValidationError
from odoo.tests import common as odoo_test_common
from odoo.tests.common import TransactionCase, new_test_user

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

# queue_job 18.0.4.x's test helpers register themselves in SETATTR_SOURCES,
# which older Odoo 18.0 revisions do not define yet.
if not hasattr(odoo_test_common, "SETATTR_SOURCES"):
    odoo_test_common.SETATTR_SOURCES = {}

from odoo.addons.queue_job.tests.common import trap_jobs  # noqa: E402

__all__ = [
    "DISABLED_MAIL_CONTEXT",
    "LogisticsIntegrationCase",
    "assert_schemas_published",
    "published_schema",
    "trap_jobs",
]

LOOPBACK_HOSTS = ("127.0.0.1", "localhost")
SCHEMAS_DIR = Path(__file__).resolve().parents[3] / "docs" / "schemas"


def published_schema(filename):
    """The JSON Schema published as ``docs/schemas/<filename>``, or None when the
    addon is installed outside its repository."""
    path = SCHEMAS_DIR / filename
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def assert_schemas_published(case, schemas):
    """Fail ``case`` unless each pydantic model of ``schemas`` (``(filename, model)``
    pairs) is published as ``docs/schemas/<filename>``; skip it outside the repository."""
    for filename, model in schemas:
        published = published_schema(filename)
        if published is None:
            case.skipTest("addon installed outside its repository")
        case.assertEqual(
            published,
            model.model_json_schema(),
            f"{filename}: regenerate with: python3 docs/schemas/generate.py",
        )


def assert_values_refused(case, record, field_name, values, write=None):
    """Assert that each of ``values`` written into ``field_name`` of ``record`` (by
    ``write(value)`` when given) is refused with a ValidationError naming the field."""
    label = re.escape(record._fields[field_name].string)
    for value in values:
        with (
            case.subTest(field=field_name, value=value),
            case.assertRaisesRegex(ValidationError, label),
            case.env.cr.savepoint(),
        ):
            if write:
                write(value)
            else:
                record.write({field_name: value})
            record.env.flush_all()


class LogisticsIntegrationCase(TransactionCase):
    """Fixtures shared by the logistics addons' tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.company = cls.env.company
        cls.other_company = cls.env["res.company"].create({"name": "Other Logistics Co"})
        cls.logistics_user = cls._create_user(
            "lgx_user", "logistics_integration.group_logistics_user"
        )
        cls.logistics_manager = cls._create_user(
            "lgx_manager", "logistics_integration.group_logistics_manager"
        )
        cls.integration_admin = cls._create_user(
            "lgx_admin", "logistics_integration.group_integration_admin"
        )
        cls.endpoint = cls._create_endpoint()

    @classmethod
    def _request_handler(cls, session, request, /, **kwargs):
        """Let requests reach 127.0.0.1 only, with the timeouts the code chose.

        Odoo's own test handler compares the timeout with a number, which fails
        for the (connect, read) tuples the outbox always passes, and stretches
        short timeouts to 10 s, which would defeat the wire-level timeout tests.
        """
        host = urlparse(request.url).hostname
        if host not in LOOPBACK_HOSTS:
            raise AssertionError(f"Tests may only call 127.0.0.1, not {request.url}")
        return odoo_test_common._super_send(session, request, **kwargs)

    @classmethod
    def _create_user(cls, login, groups, company=None):
        company = company or cls.company
        return new_test_user(
            cls.env,
            login=login,
            groups=f"base.group_user,{groups}",
            company_id=company.id,
            company_ids=[(6, 0, [company.id])],
        )

    @classmethod
    def _create_endpoint(cls, **values):
        vals = {
            "name": "Test TMS",
            "code": "test_tms",
            "kind": "tms",
            "environment": "test",
            "base_url": "http://127.0.0.1:8999",
            "auth_scheme": "api_key",
            "auth_secret": "s3cr3t-api-key",
        }
        vals.update(values)
        return cls.env["logistics.endpoint"].create(vals)
