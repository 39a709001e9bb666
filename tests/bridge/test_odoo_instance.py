"""The demo's Odoo instance: one server for several databases, and a copied database
completed with the addons it lacks, without running Odoo when it lacks none."""

import configparser
import re
from pathlib import Path

import psycopg
from logistics_demo.odoo_instance import OdooInstance


def _recording_odoo(tmp_path: Path) -> tuple[Path, Path]:
    """A stand-in for the interpreter running Odoo that records its arguments."""
    record = tmp_path / "arguments"
    program = tmp_path / "odoo"
    program.write_text(f'#!/bin/sh\necho "$@" >> {record}\n')
    program.chmod(0o755)
    return program, record


def test_one_server_serves_its_database_and_those_served_with_it(tmp_path):
    instance = OdooInstance(tmp_path, "lgx_src", 8069, served_with=("lgx_tgt",))
    instance.write_config("root:1")

    config = configparser.ConfigParser()
    config.read(instance.config_path)
    dbfilter = re.compile(config["options"]["dbfilter"])
    assert [
        name for name in ("lgx_src", "lgx_tgt", "lgx_src_2", "lgx") if dbfilter.match(name)
    ] == [
        "lgx_src",
        "lgx_tgt",
    ]
    # its websocket process binds a port of its own, not Odoo's default another Odoo holds
    assert int(config["options"]["gevent_port"]) not in (8072, instance.http_port)
    command = instance.server_command()
    assert command[command.index("-d") + 1] == "lgx_src,lgx_tgt"


def test_install_missing_installs_only_what_the_copy_lacks(tmp_path, pg_url):
    program, record = _recording_odoo(tmp_path)
    database = pg_url.rsplit("/", 1)[1]
    instance = OdooInstance(
        tmp_path, database, 8069, python=str(program), served_with=("lgx_other",)
    )
    with psycopg.connect(pg_url, autocommit=True) as connection:
        connection.execute("CREATE TABLE ir_module_module (name varchar, state varchar)")
        connection.execute(
            "INSERT INTO ir_module_module VALUES "
            "('logistics_a', 'installed'), ('logistics_b', 'uninstalled')"
        )
        try:
            instance.install_missing(["logistics_a"], tmp_path / "install.log")
            assert not record.exists(), "Odoo ran although nothing was missing"

            instance.install_missing(["logistics_a", "logistics_b"], tmp_path / "install.log")
            [arguments] = record.read_text().splitlines()
            # the other database served by the same server is left alone
            assert arguments.endswith(f"-d {database} -i logistics_b --stop-after-init")
        finally:
            connection.execute("DROP TABLE ir_module_module")
