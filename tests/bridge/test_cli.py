"""CLI commands: check-config, status, replay, purge, and graceful shutdown of serve."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from conftest import BRIDGE_SRC, SECRET_A, new_event
from logistics_bridge.cli import main
from logistics_bridge.store import Outcome, open_inbox


def write_config(tmp_path, text: str):
    path = tmp_path / "bridge.toml"
    path.write_text(text)
    return str(path)


GOOD = f"""
inbox_url = "sqlite:///{{tmp}}/inbox.sqlite3"
[endpoints]
acme = ["{SECRET_A}"]
[odoo]
url = "http://127.0.0.1:8069"
db = "prod"
login = "bridge"
api_key = "super-secret-api-key"
"""


def test_check_config_ok(tmp_path, clean_env, capsys):
    path = write_config(tmp_path, GOOD.replace("{tmp}", str(tmp_path)))
    assert main(["--config", path, "check-config"]) == 0
    assert "configuration OK" in capsys.readouterr().out


def test_check_config_reports_every_problem_without_secrets(tmp_path, clean_env, capsys):
    text = """
inbox_url = "mysql://somewhere"
signature_tolerance_seconds = 900
[endpoints]
acme = ["not base64 at all !!!-hunter2"]
[odoo]
url = "ftp://odoo"
api_key = "super-secret-api-key"
"""
    path = write_config(tmp_path, text)
    assert main(["--config", path, "check-config"]) == 1
    out = capsys.readouterr().out
    for expected in (
        "inbox_url",
        "signature_tolerance_seconds",
        "endpoints.acme.auth.secrets[0]",
        "odoo.url",
        "odoo.db",
        "odoo.login",
    ):
        assert expected in out
    assert "hunter2" not in out
    assert "super-secret-api-key" not in out


def test_check_config_type_errors_all_listed_without_input(tmp_path, clean_env, capsys):
    clean_env.setenv("LOGISTICS_BRIDGE_LISTEN_PORT", "not-a-port")
    clean_env.setenv("LOGISTICS_BRIDGE_ODOO__API_KEY", "secret-value-xyz")
    clean_env.setenv("LOGISTICS_BRIDGE_THREADS", "0")
    clean_env.setenv("LOGISTICS_BRIDGE_BOGUS", "1")
    assert main(["check-config"]) == 1
    out = capsys.readouterr().out
    assert "listen_port" in out and "threads" in out
    assert "secret-value-xyz" not in out


def test_env_overrides_toml(tmp_path, clean_env):
    from logistics_bridge.config import load_settings

    path = write_config(tmp_path, GOOD.replace("{tmp}", str(tmp_path)))
    clean_env.setenv("LOGISTICS_BRIDGE_ODOO__DB", "from-env")
    clean_env.setenv("LOGISTICS_BRIDGE_CONFIG", path)
    settings = load_settings()
    assert settings.odoo.db == "from-env"
    assert settings.odoo.login == "bridge"
    assert "super-secret-api-key" not in repr(settings)


def seed(inbox_url: str) -> None:
    inbox = open_inbox(inbox_url)
    try:
        old = datetime.now(UTC) - timedelta(days=40)
        inbox.add(
            [new_event(f"e{n}", f"S{n}", received_at=old if n < 3 else None) for n in range(5)]
        )
        claimed = inbox.claim("t", 10, 60)
        outcomes = {
            "e0": ("forwarded", "processed", None),
            "e1": ("rejected", "rejected", "unknown shipment"),
            "e2": ("failed", None, "missing from Odoo's answer"),
        }
        inbox.record(
            "t",
            [
                Outcome(event.id, *outcome)
                for event in claimed
                if (outcome := outcomes.get(event.event_id))
            ],
        )
        inbox.release("t", [event.id for event in claimed])
        inbox.set_meta("last_odoo_error", "Odoo answered HTTP 502")
        # Age the finished rows past retention.
        inbox._ops(
            lambda conn: conn.execute(
                "UPDATE inbox_event SET updated_ts = ? WHERE state != 'pending'",
                (old.timestamp(),),
            )
        )
    finally:
        inbox.close()


def test_status_replay_purge(tmp_path, clean_env, capsys):
    inbox_url = f"sqlite:///{tmp_path}/inbox.sqlite3"
    clean_env.setenv("LOGISTICS_BRIDGE_INBOX_URL", inbox_url)
    seed(inbox_url)
    assert main(["status", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["counts"] == {"pending": 2, "forwarded": 1, "rejected": 1, "failed": 1}
    assert report["last_odoo_error"] == "Odoo answered HTTP 502"
    assert report["oldest_pending_age_seconds"] >= 0

    assert main(["status"]) == 0
    assert "last Odoo error: Odoo answered HTTP 502" in capsys.readouterr().out

    assert main(["replay"]) == 2  # refuses to replay everything without a filter
    capsys.readouterr()
    assert main(["purge"]) == 0
    assert "1 event(s)" in capsys.readouterr().out  # only the forwarded one
    assert main(["replay", "--state", "rejected", "--endpoint", "acme"]) == 0
    assert "1 event(s) set back to pending" in capsys.readouterr().out
    assert main(["purge", "--include-failed"]) == 0
    assert "1 event(s)" in capsys.readouterr().out  # the failed one; the replayed is pending
    assert main(["status", "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)["counts"]
    assert counts == {"pending": 3, "forwarded": 0, "rejected": 0, "failed": 0}


# What serving, importing files and calling Odoo load: an operator command over an inbox of
# a million rows runs without them, so its memory is the configuration's and the inbox's.
SERVING_MODULES = {
    "logistics_bridge.app",
    "logistics_bridge.formats",
    "logistics_bridge.odoo_client",
    "logistics_bridge.registry",
    "logistics_bridge.server",
    "logistics_bridge.service",
    "prometheus_client",
    "requests",
}


@pytest.mark.parametrize(
    "command", [["status", "--json"], ["status"], ["replay", "--state", "failed"], ["purge"]]
)
def test_operator_commands_load_no_serving_module(tmp_path, clean_env, command):
    config = write_config(tmp_path, GOOD.replace("{tmp}", str(tmp_path)))
    seed(f"sqlite:///{tmp_path}/inbox.sqlite3")
    loaded = tmp_path / "modules.txt"
    script = (
        "import sys\n"
        "from logistics_bridge.cli import main\n"
        "code = main(sys.argv[2:])\n"
        "open(sys.argv[1], 'w').write('\\n'.join(sys.modules))\n"
        "sys.exit(code)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(loaded), "--config", config, *command],
        env=dict(os.environ, PYTHONPATH=str(BRIDGE_SRC)),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    modules = set(loaded.read_text().splitlines())
    assert "logistics_bridge.store.sqlite" in modules
    assert not SERVING_MODULES & modules


def test_sigterm_lets_in_flight_request_finish(tmp_path, fake_odoo):
    """A request whose body is still arriving when SIGTERM lands gets its answer."""
    import socket

    from test_durability import start_serve

    process, url = start_serve(tmp_path, fake_odoo.url, "serve.log")
    try:
        port = int(url.rsplit(":", 1)[1])
        body = json.dumps(
            {
                "event_id": "late-1",
                "event_type": "status",
                "shipment_reference": "S",
                "occurred_at": "2026-05-01T10:00:00+00:00",
            }
        ).encode()
        from conftest import signed_headers

        headers = signed_headers(body)
        head = "POST /v1/tms/acme/events HTTP/1.1\r\nHost: x\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        head += f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(head.encode() + body[:10])
            time.sleep(0.2)
            os.kill(process.pid, signal.SIGTERM)
            time.sleep(0.2)
            sock.sendall(body[10:])
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 202")
        assert process.stop(30) == 0
    finally:
        process.kill()
    inbox = open_inbox(f"sqlite:///{tmp_path}/inbox.sqlite3")
    try:
        assert [event.event_id for event in inbox.list_events()] == ["late-1"]
    finally:
        inbox.close()


def test_module_entry_point_runs():
    result = subprocess.run(
        [sys.executable, "-m", "logistics_bridge", "--help"],
        env=dict(os.environ, PYTHONPATH=str(BRIDGE_SRC)),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert "check-config" in result.stdout


@pytest.mark.parametrize(
    "module", ["logistics_bridge.cli", "logistics_tms_simulator.cli", "logistics_demo.cli"]
)
def test_every_command_line_prints_its_help(module, capsys):
    """--help renders every option's text (argparse chokes on a stray %)."""
    command = __import__(module, fromlist=["main"])
    with pytest.raises(SystemExit) as exit_info:
        command.main(["--help"])
    assert exit_info.value.code == 0
    assert "usage:" in capsys.readouterr().out


@pytest.mark.parametrize(
    "module", ["logistics_bridge.cli", "logistics_tms_simulator.cli", "logistics_demo.cli"]
)
def test_every_command_line_refuses_an_unknown_log_level(module, capsys):
    command = __import__(module, fromlist=["main"])
    with pytest.raises(SystemExit) as exit_info:
        command.main(["--log-level", "LOUD"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'LOUD'" in capsys.readouterr().err
