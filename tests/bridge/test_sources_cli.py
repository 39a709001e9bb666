"""``logistics-bridge import`` and ``check-config`` for per-endpoint formats and authentication.

X12 fixtures: see test_x12.py for their source.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from logistics_bridge.cli import main
from logistics_bridge.store import open_inbox

FIXTURES = Path(__file__).parent / "fixtures"
GOOD_EDI = FIXTURES / "x12_214_two_shipments.edi"


def write_config(tmp_path: Path, endpoints: str) -> str:
    path = tmp_path / "bridge.toml"
    path.write_text(
        f'inbox_url = "sqlite:///{tmp_path}/inbox.sqlite3"\n'
        + endpoints
        + '\n[odoo]\nurl = "http://127.0.0.1:8069"\ndb = "prod"\nlogin = "bridge"\n'
        'api_key = "super-secret-api-key"\n'
    )
    return str(path)


EDI_ENDPOINT = """
[endpoints.carrier]
format = "x12-214"
[endpoints.carrier.auth]
scheme = "basic"
secrets = ["edi:hunter2-password"]
"""


def stored(tmp_path: Path) -> list[str]:
    inbox = open_inbox(f"sqlite:///{tmp_path}/inbox.sqlite3")
    try:
        return [event.event_id for event in inbox.list_events()]
    finally:
        inbox.close()


def test_import_good_file_then_again(tmp_path, clean_env, capsys):
    config = write_config(tmp_path, EDI_ENDPOINT)
    acks = tmp_path / "acks"
    acks.mkdir()
    argv = ["--config", config, "import", "--endpoint", "carrier", "--ack-dir", str(acks)]
    assert main([*argv, str(GOOD_EDI)]) == 0
    out = capsys.readouterr().out
    assert f"{GOOD_EDI}: 2 event(s) imported, 0 duplicate(s)" in out
    assert stored(tmp_path) == ["ABCD:000000905:905:0001", "ABCD:000000905:905:0002"]
    digest = hashlib.sha256(GOOD_EDI.read_bytes()).hexdigest()[:12]
    acknowledgement = (acks / f"{GOOD_EDI.name}.{digest}.997").read_text()
    assert acknowledgement.startswith("ISA*00*") and "AK9*A*2*2*2~" in acknowledgement

    assert main([*argv, str(GOOD_EDI)]) == 0
    assert f"{GOOD_EDI}: 0 event(s) imported, 2 duplicate(s)" in capsys.readouterr().out
    assert len(stored(tmp_path)) == 2


def test_import_broken_file_keeps_nothing_of_it(tmp_path, clean_env, capsys):
    config = write_config(tmp_path, EDI_ENDPOINT)
    broken = tmp_path / "broken.edi"
    broken.write_text(GOOD_EDI.read_text().replace("SE*7*0002", "SE*6*0002"))
    other = tmp_path / "other.edi"
    other.write_text(GOOD_EDI.read_text())
    argv = ["--config", config, "import", "--endpoint", "carrier", str(broken), str(other)]
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert (
        f"{broken}: refused, nothing imported: SE01 is 6 but the transaction set has 7 segments"
        in captured.err
    )
    assert f"{other}: 2 event(s) imported" in captured.out
    assert "1 of 2 file(s) not imported" in captured.err
    # The first set of the broken file was valid, yet none of the file is kept.
    assert stored(tmp_path) == ["ABCD:000000905:905:0001", "ABCD:000000905:905:0002"]


def test_import_json_with_format_flag_and_missing_file(tmp_path, clean_env, capsys):
    config = write_config(tmp_path, EDI_ENDPOINT)
    document = tmp_path / "status.json"
    document.write_text(json.dumps({"tracking": "T-1"}))
    argv = ["--config", config, "import", "--endpoint", "carrier", "--format", "json"]
    assert main([*argv, str(document), str(tmp_path / "absent.json")]) == 1
    captured = capsys.readouterr()
    assert f"{document}: 1 event(s) imported" in captured.out
    assert "absent.json: cannot read: No such file or directory" in captured.err


def test_import_needs_a_file_format(tmp_path, clean_env, capsys):
    config = write_config(tmp_path, "[endpoints]\nplain = []\n")
    assert main(["--config", config, "import", "--endpoint", "plain", str(GOOD_EDI)]) == 2
    assert "give --format" in capsys.readouterr().err


def test_import_refuses_an_endpoint_the_bridge_does_not_serve(tmp_path, clean_env, capsys):
    config = write_config(tmp_path, EDI_ENDPOINT)
    for code in ("nowhere", "bad/../code", "carrier\nforged"):
        argv = ["--config", config, "import", "--endpoint", code, "--format", "x12-214"]
        assert main([*argv, str(GOOD_EDI)]) == 2
        err = capsys.readouterr().err
        assert "import: unknown endpoint" in err and "known: carrier" in err
        assert "\nforged" not in err
    assert not (tmp_path / "inbox.sqlite3").exists()


def other_interchange(number: str) -> str:
    """The fixture interchange under other control numbers (other event ids)."""
    return (
        GOOD_EDI.read_text().replace("000000905", f"000000{number}").replace("*905", f"*{number}")
    )


def import_argv(config: str, acks: Path) -> list[str]:
    return ["--config", config, "import", "--endpoint", "carrier", "--ack-dir", str(acks)]


def test_import_report_cannot_be_forged_by_a_file_name(tmp_path, clean_env, capsys):
    config = write_config(tmp_path, EDI_ENDPOINT)
    forged = tmp_path / "x.edi: 9 event(s) imported, 0 duplicate(s)\ny.edi"
    forged.write_text(GOOD_EDI.read_text())
    assert main(["--config", config, "import", "--endpoint", "carrier", str(forged)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    assert "\\ny.edi: 2 event(s) imported" in lines[0]


def test_files_of_the_same_name_get_their_own_acknowledgement(tmp_path, clean_env, capsys):
    config = write_config(tmp_path, EDI_ENDPOINT)
    acks = tmp_path / "acks"
    acks.mkdir()
    files = []
    for folder, number in (("a", "911"), ("b", "912")):
        (tmp_path / folder).mkdir()
        files.append(tmp_path / folder / "status.edi")
        files[-1].write_text(other_interchange(number))
    assert main([*import_argv(config, acks), *map(str, files)]) == 0
    written = sorted(acks.iterdir())
    assert len(written) == 2
    for path in files:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        acknowledgement = acks / f"status.edi.{digest}.997"
        assert acknowledgement in written
        number = path.read_text().split("*")[13]  # ISA13 of the file it acknowledges
        assert f"AK1*QM*{int(number)}~" in acknowledgement.read_text()
    # Imported again: the acknowledgement already there is left as it is.
    assert main([*import_argv(config, acks), str(files[0])]) == 0
    assert "acknowledgement already written" in capsys.readouterr().out
    assert sorted(acks.iterdir()) == written


def test_a_file_with_a_conflicting_duplicate_gets_no_acknowledgement(tmp_path, clean_env, capsys):
    # Over HTTP such a file is answered 409 with the JSON, not a 997: a 997 would accept
    # a set whose content is not the one kept as the event.
    config = write_config(tmp_path, EDI_ENDPOINT)
    acks = tmp_path / "acks"
    acks.mkdir()
    assert main([*import_argv(config, acks), str(GOOD_EDI)]) == 0
    changed = tmp_path / "changed.edi"
    changed.write_text(GOOD_EDI.read_text().replace("MS1*MEMPHIS", "MS1*NASHVILLE"))
    capsys.readouterr()
    assert main([*import_argv(config, acks), str(changed)]) == 0
    out = capsys.readouterr().out
    assert f"{changed}: 0 event(s) imported, 1 duplicate(s), 1 conflicting duplicate" in out
    assert f"{changed}: no acknowledgement written: a conflicting duplicate" in out
    assert [path.name for path in acks.iterdir()] == [
        f"{GOOD_EDI.name}.{hashlib.sha256(GOOD_EDI.read_bytes()).hexdigest()[:12]}.997"
    ]
    assert len(stored(tmp_path)) == 3  # both contents of the conflicting set are kept


def test_acknowledgement_never_follows_a_planted_link(tmp_path, clean_env, capsys):
    config = write_config(tmp_path, EDI_ENDPOINT)
    acks = tmp_path / "acks"
    acks.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    digest = hashlib.sha256(GOOD_EDI.read_bytes()).hexdigest()[:12]
    (acks / f"{GOOD_EDI.name}.{digest}.997").symlink_to(victim)
    assert main([*import_argv(config, acks), str(GOOD_EDI)]) == 1
    assert "is a link, not written" in capsys.readouterr().err
    assert victim.read_text() == "precious"


def test_import_reads_the_endpoint_of_the_cached_registry(tmp_path, clean_env, capsys):
    """An endpoint configured in Odoo only: a dropped file gets the event id its paths
    give, as an HTTP request would, not a hash of the body."""
    config = write_config(tmp_path, "")
    cache = tmp_path / "registry.json"
    cache.write_text(
        json.dumps(
            {
                "version": 7,
                "generated_at": "2026-12-06T21:00:00+00:00",
                "database": "db-uuid",
                "endpoints": {
                    "parcel": {
                        "format": "json",
                        "event_id_path": "scan.id",
                        "shipment_key_path": "tracking",
                        "auth": [{"scheme": "token", "secrets": ["parcel-token-1"]}],
                    }
                },
            }
        )
    )
    cache.chmod(0o600)
    document = tmp_path / "scan.json"
    document.write_text(json.dumps({"tracking": "T-1", "scan": {"id": 4471}}))
    assert main(["--config", config, "import", "--endpoint", "parcel", str(document)]) == 0
    assert f"{document}: 1 event(s) imported" in capsys.readouterr().out
    assert stored(tmp_path) == ["4471"]


def test_check_config_accepts_every_scheme_and_the_list_form(tmp_path, clean_env, capsys):
    endpoints = (
        EDI_ENDPOINT
        + """
[endpoints.easypost]
format = "json"
event_id_path = "id"
shipment_key_path = "result.tracking_code"
[endpoints.easypost.auth]
scheme = "hmac"
header = "X-Hmac-Signature"
prefix = "hmac-sha256-hex="
secrets = ["s1", "s2"]

[endpoints.portal]
format = "json"
auth = { scheme = "token", header = "X-Api-Key", secrets = ["t1"] }

[endpoints.tms]
auth = { secrets = ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"] }

[endpoints]
legacy = ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]
"""
    )
    assert main(["--config", write_config(tmp_path, endpoints), "check-config"]) == 0
    assert "configuration OK" in capsys.readouterr().out


UNAUTHENTICATED = """
[endpoints.open]
format = "json"
[endpoints.empty]
format = "json"
auth = { scheme = "token", secrets = [] }
"""


def test_check_config_refuses_endpoints_without_authentication(tmp_path, clean_env, capsys):
    endpoints = (
        UNAUTHENTICATED
        + """
[endpoints.typo]
format = "json"
event_id_path = "events[*].id"
auth = { scheme = "hmac", secrets = ["hunter2-secret"], encoding = "base32" }
[endpoints.misplaced]
split_path = "events[*]"
auth = { scheme = "basic", secrets = ["no-colon-hunter2"] }
"""
    )
    assert main(["--config", write_config(tmp_path, endpoints), "check-config"]) == 1
    out = capsys.readouterr().out
    for expected in (
        "endpoints.typo.event_id_path: Value error, [*] may only end the path",
        "endpoints.typo.auth.hmac.header: Field required",
        "endpoints.typo.auth.hmac.encoding: Input should be 'hex' or 'base64'",
        'endpoints.misplaced: Value error, split_path is only used with format = "json"',
    ):
        assert expected in out
    assert "hunter2" not in out
    # The model errors come first; once they are fixed, the semantic ones:
    fixed = UNAUTHENTICATED + (
        '[endpoints.misplaced]\nauth = { scheme = "basic", secrets = ["no-colon-hunter2"] }\n'
    )
    assert main(["--config", write_config(tmp_path, fixed), "check-config"]) == 1
    out = capsys.readouterr().out
    assert "endpoints.open.auth: missing; an endpoint without authentication is refused" in out
    assert "endpoints.empty.auth.secrets: empty; every request would be refused" in out
    assert "endpoints.misplaced.auth.secrets[0]: must be user:password" in out
    assert "hunter2" not in out


def test_paths_only_with_the_json_format(tmp_path, clean_env, capsys):
    endpoints = '[endpoints.edi]\nformat = "x12-214"\nsplit_path = "a[*]"\n'
    assert main(["--config", write_config(tmp_path, endpoints), "check-config"]) == 1
    assert 'split_path is only used with format = "json"' in capsys.readouterr().out


def test_endpoints_from_the_environment_as_json(tmp_path, clean_env, capsys):
    clean_env.setenv(
        "LOGISTICS_BRIDGE_ENDPOINTS",
        json.dumps(
            {
                "carrier": {
                    "format": "x12-214",
                    "auth": {"scheme": "hmac", "header": "X-Sig", "secrets": ["s"]},
                },
                "tms": ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
            }
        ),
    )
    assert main(["--config", write_config(tmp_path, ""), "check-config"]) == 0
