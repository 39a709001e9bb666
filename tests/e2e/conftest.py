"""Odoo and bridges as real processes, for the end-to-end tests that configure them
the way an administrator does.

``odoo_server`` is one Odoo (workers, HTTP) per test module on a database of its own, built
with every addon and its demo data; LGX_ONBOARDING_TEST_TEMPLATE names a database with those
addons already installed to copy instead (much faster). ``bridges`` starts bridges next to
it (see ``logistics_demo.stack``) and stops them before Odoo.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from logistics_demo.driver import DemoDriver
from logistics_demo.odoo_instance import ADDONS_DIR, OdooInstance
from logistics_demo.processes import ManagedProcess, free_port
from logistics_demo.stack import BridgeFleet, OdooServer


@pytest.fixture(scope="module")
def odoo_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[OdooServer]:
    name = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    workdir = tmp_path_factory.mktemp(name)
    instance = OdooInstance(workdir, f"lgx_{name[:16]}_{uuid.uuid4().hex[:8]}", free_port())
    instance.write_config("root:2")
    process = ManagedProcess("odoo", instance.server_command(), workdir / "odoo.log")
    try:
        template = os.environ.get("LGX_ONBOARDING_TEST_TEMPLATE")
        if template:
            instance.copy_database(template)
        else:
            modules = sorted(p.parent.name for p in ADDONS_DIR.glob("*/__manifest__.py"))
            instance.install(modules, workdir / "odoo-install.log")
        server = OdooServer(
            instance, process, DemoDriver(instance.url, instance.database, "admin", "admin")
        )
        server.start()
        # The URL Connect a bridge writes into the bridge's [odoo] table.
        server.admin.call("ir.config_parameter", "set_param", "web.base.url", instance.url)
        yield server
    finally:
        process.stop()
        instance.drop_database()


@pytest.fixture(scope="module")
def bridges(odoo_server: OdooServer) -> Iterator[BridgeFleet]:
    fleet = BridgeFleet(odoo_server.instance.workdir)
    try:
        yield fleet
    finally:
        fleet.stop_all()
