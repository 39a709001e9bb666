"""Hostile input against the ``json`` and ``x12-214`` formats and the ``hmac``, ``basic`` and
``token`` schemes, in process: one test per defect found, then hypothesis properties —
no 5xx, a JSON error unless the answer is a 2xx (a 997 for X12), nothing stored unless
2xx, nothing stored that breaks the key rules, bounded time per request
(docs/bridge-http.md, "Other formats and schemes under hostile input")."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import BRIDGE_SRC, wsgi_app, x12_interchange
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from logistics_bridge.cli import main
from logistics_bridge.formats import MAX_EVENTS_PER_REQUEST
from logistics_bridge.store import open_inbox
from wsgi_client import Answer, call

INTERCHANGE = (Path(__file__).parent / "fixtures" / "x12_214_two_shipments.edi").read_text()
HMAC_KEY = "hmac-key-0123"
TOKEN = {"Authorization": "Bearer tok-1", "Content-Type": "application/json"}
BASIC = {
    "Authorization": "Basic " + base64.b64encode(b"edi:pw-1").decode(),
    "Content-Type": "application/edi-x12",
}
ENDPOINTS = {
    "doc": {
        "format": "json",
        "event_id_path": "id",
        "shipment_key_path": "ref",
        "auth": {"scheme": "token", "secrets": ["tok-1"]},
    },
    "items": {
        "format": "json",
        "split_path": "items[*]",
        "event_id_path": "id",
        "auth": {"scheme": "token", "secrets": ["tok-1"]},
    },
    "edi": {"format": "x12-214", "auth": {"scheme": "basic", "secrets": ["edi:pw-1"]}},
    "signed": {
        "format": "json",
        "auth": {
            "scheme": "hmac",
            "header": "X-Signature",
            "prefix": "sha256=",
            "timestamp_header": "X-Timestamp",
            "secrets": [HMAC_KEY],
        },
    },
    "signed64": {
        "format": "json",
        "auth": {
            "scheme": "hmac",
            "header": "X-Signature",
            "encoding": "base64",
            "secrets": [HMAC_KEY],
        },
    },
}
PROPERTY_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with wsgi_app(
        tmp_path_factory.mktemp("hostile"), endpoints=ENDPOINTS, high_water_mark=10**6
    ) as app_:
        yield app_


def stored(app) -> int:
    return sum(app.inbox.counts().values())


def post(app, endpoint: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST and check the promises every answer keeps; returns the answer."""
    before = stored(app)
    answer = call(app, f"/v1/tms/{endpoint}/events", body, headers)
    assert answer.status < 500, answer.body
    after = stored(app)
    # 409: an id already kept, with other content: kept for review like an accepted event.
    if answer.status >= 300 and answer.status != 409:
        assert answer.headers["Content-Type"] == "application/json"
        document = answer.json()
        assert set(document) <= {"error", "message", "fields"} and document["message"]
        assert after == before
        return answer
    for kept in app.inbox.list_events(limit=100_000)[before:]:
        json.loads(kept.payload_json, parse_constant=lambda name: pytest.fail(name))
        for text in (kept.event_id, kept.ordering_key):
            assert text.strip() and text.isprintable() and len(text) <= 255
    if answer.status == 409:
        assert answer.json()["error"] == "conflicting_duplicate"
    elif answer.headers["Content-Type"] == "application/edi-x12":
        assert answer.body.startswith(b"ISA") and b"997" in answer.body
    else:
        assert answer.json()["status"] in ("accepted", "duplicate")
    return answer


def hmac_headers(body: bytes, timestamp: str | None = None, signature: str | None = None):
    timestamp = str(int(time.time())) if timestamp is None else timestamp
    if signature is None:
        signed = timestamp.encode("utf-8", "surrogatepass") + b"." + body
        signature = "sha256=" + hmac.new(HMAC_KEY.encode(), signed, "sha256").hexdigest()
    return {"X-Signature": signature, "X-Timestamp": timestamp, "Content-Type": "application/json"}


# -- one test per defect found ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'{"id":"a\\u0000b","ref":"r"}', "event_id"),
        (b'{"id":"a\\r\\nforged","ref":"r"}', "event_id"),
        (b'{"id":" ","ref":"r"}', "event_id"),
        (b'{"id":"ok-1","ref":"\\u0007"}', "shipment key"),
        (b'{"id":"ok-2","ref":"\\t"}', "shipment key"),
        (b'{"id":"a\\u200bb","ref":"r"}', "event_id"),
        (b'{"id":"\\ud819\\udcf9","ref":"r"}', "event_id"),
        (b'{"id":"ok-3","ref":"\\u2028"}', "shipment key"),
    ],
)
def test_json_keys_with_control_characters_or_blank_are_refused(app, body, field):
    answer = post(app, "doc", body, TOKEN)
    assert answer.status == 422
    assert answer.json()["fields"] == [field]


def test_json_split_over_the_event_limit_is_refused_quickly(app):
    items = [{"id": f"i-{index}"} for index in range(MAX_EVENTS_PER_REQUEST * 20)]
    answer = post(app, "items", json.dumps({"items": items}).encode(), TOKEN)
    assert answer.status == 422
    assert f"at most {MAX_EVENTS_PER_REQUEST} events per request" in answer.json()["message"]


def test_json_split_at_the_event_limit_is_stored(app):
    items = [{"id": f"limit-{index}"} for index in range(MAX_EVENTS_PER_REQUEST)]
    answer = post(app, "items", json.dumps({"items": items}).encode(), TOKEN)
    assert answer.status == 202
    assert len(answer.json()["events"]) == MAX_EVENTS_PER_REQUEST


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("SE*9*0001", "SE*" + "9" * 5000 + "*0001", "SE01"),
        ("GE*2*905", "GE*" + "2" * 5000 + "*905", "GE01"),
        ("IEA*1*", "IEA*" + "1" * 5000 + "*", "IEA01"),
        ("SE*9*", "SE*\u0669*", "SE01"),  # an Arabic-Indic nine: a digit, not an X12 number
        ("000000905*0", "00000090\u0665*0", "ISA13"),
        (
            "GS*QM*ABCD*ACMELOGISTICS*20260501*1015*905",
            "GS*QM*ABCD*ACMELOGISTICS*20260501*1015*X5",
            "GS06",
        ),
        ("ST*214*0001~", "ST*214*01~", "ST02"),
    ],
)
def test_x12_counts_and_control_numbers_are_bounded_ascii_numbers(app, old, new, field):
    body = INTERCHANGE.replace(old, new, 1).encode()
    answer = post(app, "edi", body, BASIC)
    assert answer.status == 422
    assert answer.json()["fields"] == [field]


@pytest.mark.parametrize("control", ["\x00", "\x01", "\x7f", "\x1b"])
def test_x12_control_characters_other_than_delimiters_are_refused(app, control):
    body = INTERCHANGE.replace("SHP-0042", f"SHP{control}0042").encode()
    answer = post(app, "edi", body, BASIC)
    assert answer.status == 400
    assert "control character" in answer.json()["message"]
    assert answer.json()["fields"] == ["B1002"]


@pytest.mark.parametrize(
    ("control", "element"),
    [("\x9b", "B1002"), ("\x85", "B1002"), ("\x80", "B1002"), ("\x9f", "B1002")],
)
def test_x12_c1_control_characters_are_refused_naming_the_element(app, control, element):
    body = INTERCHANGE.replace("SHP-0042", f"SHP{control}0042").encode()
    answer = post(app, "edi", body, BASIC)
    assert answer.status == 400
    assert answer.json()["fields"] == [element]
    assert "control character" in answer.json()["message"]


def test_x12_control_character_in_a_later_element_is_named(app):
    body = INTERCHANGE.replace("MS1*DALLAS*TX", "MS1*DALLAS*T\x85X").encode()
    answer = post(app, "edi", body, BASIC)
    assert answer.status == 400
    assert answer.json()["fields"] == ["MS102"]


@pytest.mark.parametrize("b10", ["B10", "B10*", "B10**"])
def test_x12_b10_without_elements_is_refused_naming_it(app, b10):
    body = INTERCHANGE.replace("B10*PRO8841*SHP-0042*ABCD", b10).encode()
    answer = post(app, "edi", body, BASIC)
    assert answer.status == 422
    assert answer.json()["fields"] == ["B10"]


def test_x12_sets_acknowledged_by_a_997_are_each_stored(app):
    # Joined with a bare ":", both sets had the id "X:000000001:000000002:3:4444": the
    # second was acknowledged, then dropped as a duplicate.
    first = x12_interchange("X:000000001", "000000002", [("3", ["4444"])])
    second = x12_interchange("X", "000000001", [("000000002", ["3:4444"])])
    for text in (first, second):
        before = stored(app)
        answer = post(app, "edi", text.encode(), BASIC)
        assert answer.status == 202, answer.body
        assert b"AK5*A" in answer.body
        assert stored(app) == before + 1


@pytest.mark.parametrize(
    ("groups", "field"),
    [([("905", ["0001"]), ("905", ["0002"])], "GS06"), ([("905", ["0001"]), ("906", [])], "ST")],
)
def test_x12_interchange_with_a_reused_gs06_or_an_empty_group_gets_no_997(app, groups, field):
    answer = post(app, "edi", x12_interchange("ABCD", "000000907", groups).encode(), BASIC)
    assert answer.status == 422
    assert answer.json()["fields"] == [field]


def test_x12_shipment_key_longer_than_a_key_is_refused(app):
    body = INTERCHANGE.replace("SHP-0042", "S" * 100_000)
    answer = post(app, "edi", body.encode(), BASIC)
    assert answer.status == 422
    assert answer.json()["fields"] == ["shipment key"]


def test_x12_more_sets_than_the_event_limit_is_refused(app):
    segments = INTERCHANGE.split("~")
    one_set = "~".join(segments[2:11]) + "~"
    sets = "".join(
        one_set.replace("0001", f"{number:04d}") for number in range(1, MAX_EVENTS_PER_REQUEST + 2)
    )
    body = f"{segments[0]}~{segments[1]}~{sets}GE*{MAX_EVENTS_PER_REQUEST + 1}*905~IEA*1*000000905~"
    answer = post(app, "edi", body.encode(), BASIC)
    assert answer.status == 422
    assert f"at most {MAX_EVENTS_PER_REQUEST} per request" in answer.json()["message"]


@pytest.mark.parametrize(
    "authorization", ["Basic \u00e9\u00e9\u00e9", "Basic \udcff", "Basic " + "A" * 200_001]
)
def test_basic_credentials_that_are_not_base64_text_are_refused(app, authorization):
    answer = post(app, "edi", INTERCHANGE.encode(), {**BASIC, "Authorization": authorization})
    assert answer.status == 401
    assert answer.headers["WWW-Authenticate"].startswith("Basic")


@pytest.mark.parametrize("token", ["Bearer \udcff", "Bearer tok-1\udcff", "Bearer t\u00f6k"])
def test_token_headers_holding_any_text_are_refused(app, token):
    answer = post(app, "doc", b'{"id":"t-1","ref":"r"}', {**TOKEN, "Authorization": token})
    assert answer.status == 401


def test_hmac_signature_holding_surrogates_is_refused(app):
    body = b'{"x":1}'
    answer = post(app, "signed", body, hmac_headers(body, signature="sha256=\udcff" * 8))
    assert answer.status == 401


# -- properties ---------------------------------------------------------------------------------
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**300), max_value=10**300)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(["", " ", "\x00", "a\r\nb", "x" * 300, "\ud800"])
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=6), inner, max_size=5)
    ),
    max_leaves=25,
)
documents = (
    st.fixed_dictionaries(
        {}, optional={"id": json_values, "ref": json_values, "items": json_values, "x": json_values}
    )
    | json_values
)
json_bodies = (
    documents.map(
        lambda document: json.dumps(document, allow_nan=True).encode("utf-8", "surrogatepass")
    )
    | st.binary(max_size=200)
    | st.sampled_from(
        [
            b"[" * 50_000,
            b'{"id":' * 5000,
            b'{"id":1e400}',
            b'{"id":"a","id":"b"}',
            b"\xff\xfe{\x00}\x00",
        ]
    )
)


@PROPERTY_SETTINGS
@given(endpoint=st.sampled_from(["doc", "items"]), body=json_bodies)
def test_json_endpoints_never_fail_or_store_invalid_values(app, endpoint, body):
    post(app, endpoint, body, TOKEN)


def _mutate(text: str, position: int, cut: int, insert: str) -> str:
    position %= len(text) + 1
    return text[:position] + insert + text[position + cut :]


x12_bodies = st.one_of(
    st.tuples(
        st.integers(min_value=0, max_value=len(INTERCHANGE)),
        st.integers(min_value=0, max_value=40),
        st.text(alphabet="*~>^|:\n\r\x00 0123456789ABCDEFGHISTX\u0669\udcff", max_size=20),
    ).map(lambda change: _mutate(INTERCHANGE, *change).encode("utf-8", "surrogatepass")),
    st.binary(max_size=300),
    st.just(INTERCHANGE.encode("utf-16")),
    st.integers(min_value=0, max_value=106).map(lambda cut: INTERCHANGE[:cut].encode()),
)


@PROPERTY_SETTINGS
@given(body=x12_bodies)
def test_x12_endpoint_never_fails_or_stores_invalid_values(app, body):
    post(app, "edi", body, BASIC)


header_text = (
    st.text(max_size=80)
    | st.text(alphabet="0123456789abcdefABCDEF+/=-_ ", max_size=140)
    | st.integers(min_value=-(10**400), max_value=10**400).map(str)
    | st.sampled_from(["", " ", "\udcff", "x" * 100_000, "+1700000000", "1e9", "\u0661\u0662"])
)


@PROPERTY_SETTINGS
@given(timestamp=header_text, signature=header_text | st.none(), prefixed=st.booleans())
def test_hmac_scheme_never_fails(app, timestamp, signature, prefixed):
    body = b'{"x":1}'
    if signature is not None and prefixed:
        signature = "sha256=" + signature
    headers = hmac_headers(body, timestamp, signature)
    post(app, "signed", body, headers)
    post(
        app, "signed64", body, {"X-Signature": signature or "", "Content-Type": "application/json"}
    )


@PROPERTY_SETTINGS
@given(
    credentials=st.binary(max_size=60).map(lambda raw: "Basic " + base64.b64encode(raw).decode())
    | header_text.map(lambda text: "Basic " + text)
    | header_text
)
def test_basic_scheme_never_fails(app, credentials):
    answer = post(app, "edi", INTERCHANGE.encode(), {**BASIC, "Authorization": credentials})
    assert answer.status in (200, 202, 401)


@PROPERTY_SETTINGS
@given(token=header_text, repeated=st.integers(min_value=1, max_value=50))
def test_token_scheme_never_fails(app, token, repeated):
    # A repeated header reaches WSGI joined with ", " (RFC 9110 field combining).
    value = ", ".join(["Bearer " + token] * repeated)
    body = json.dumps({"id": hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()})
    answer = post(app, "doc", body.encode(), {**TOKEN, "Authorization": value})
    assert answer.status == (202 if value == "Bearer tok-1" else 401)


# -- logistics-bridge import on hostile files -------------------------------------------------
IMPORT_CONFIG = """
inbox_url = "sqlite:///{directory}/inbox.sqlite3"
max_body_bytes = 4096
[endpoints.carrier]
format = "x12-214"
[endpoints.carrier.auth]
scheme = "basic"
secrets = ["edi:pw-1"]
[endpoints.docs]
format = "json"
event_id_path = "id"
[endpoints.docs.auth]
scheme = "token"
secrets = ["tok-1"]
"""


@pytest.fixture(scope="module")
def import_config(tmp_path_factory) -> tuple[Path, str]:
    directory = tmp_path_factory.mktemp("import")
    config = directory / "bridge.toml"
    config.write_text(IMPORT_CONFIG.format(directory=directory))
    return directory, str(config)


def import_files(config: str, endpoint: str, *files: Path) -> int:
    return main(["--config", config, "import", "--endpoint", endpoint, *map(str, files)])


def stored_ids(directory: Path) -> list[str]:
    inbox = open_inbox(f"sqlite:///{directory}/inbox.sqlite3")
    try:
        return [kept.event_id for kept in inbox.list_events(limit=100_000)]
    finally:
        inbox.close()


hostile_files = st.one_of(
    x12_bodies.map(lambda body: ("carrier", "hostile.edi", body)),
    json_bodies.map(lambda body: ("docs", "hostile.json", body)),
)


@PROPERTY_SETTINGS
@given(hostile_file=hostile_files)
def test_import_of_hostile_files_is_all_or_nothing(import_config, hostile_file):
    directory, config = import_config
    endpoint, name, body = hostile_file
    before = stored_ids(directory)
    path = directory / name
    path.write_bytes(body)
    code = import_files(config, endpoint, path)
    after = stored_ids(directory)
    assert code in (0, 1)
    if code == 1:
        assert after == before
    for event_id in after[len(before) :]:
        assert event_id.isprintable() and event_id.strip() and len(event_id) <= 255


def test_import_refuses_each_unreadable_file_by_name(import_config, clean_env, capsys):
    directory, config = import_config
    oversized = directory / "oversized.edi"
    oversized.write_text(INTERCHANGE.replace("LX*1~", "L11*X*PO~" * 1000 + "LX*1~", 1))
    fifo = directory / "pipe.edi"
    os.mkfifo(fifo)
    folder = directory / "folder.edi"
    folder.mkdir()
    missing = directory / "missing.edi"
    before = stored_ids(directory)
    assert import_files(config, "carrier", oversized, fifo, folder, missing) == 1
    err = capsys.readouterr().err
    assert f"{oversized}: refused, nothing imported: larger than max_body_bytes (4096" in err
    assert f"{fifo}: refused, nothing imported: not a regular file" in err
    assert f"{folder}: refused, nothing imported: not a regular file" in err
    assert f"{missing}: cannot read: No such file or directory" in err
    assert "4 of 4 file(s) not imported" in err
    assert stored_ids(directory) == before


def test_a_fifo_swapped_in_after_the_check_is_never_waited_on(import_config, monkeypatch, capsys):
    """Files vanish and change mid-run: a name that was a regular file when looked at and is
    a FIFO when opened must still be refused, not wait for a writer forever."""
    directory, config = import_config
    fifo = directory / "swapped.edi"
    os.mkfifo(fifo)
    regular = os.stat(Path(__file__))
    real_stat = Path.stat
    monkeypatch.setattr(
        Path, "stat", lambda self, **kw: regular if self == fifo else real_stat(self, **kw)
    )
    outcome: list[int] = []
    worker = threading.Thread(target=lambda: outcome.append(import_files(config, "carrier", fifo)))
    worker.start()
    worker.join(5)
    if worker.is_alive():  # release the reader waiting on the FIFO, then fail
        with open(fifo, "wb"):
            pass
        worker.join(5)
        pytest.fail("import waited for a writer on a FIFO")
    assert outcome == [1]
    assert f"{fifo}: refused, nothing imported: not a regular file" in capsys.readouterr().err


def test_a_file_name_that_is_not_utf8_is_reported_escaped(tmp_path):
    """A name of bytes that are not UTF-8 (a Latin-1 file system, a careless sender): the
    file is imported, its line printed escaped, its 997 written — also where the output is
    strict UTF-8, which cannot print the name as Python holds it."""
    config = tmp_path / "bridge.toml"
    config.write_text(IMPORT_CONFIG.format(directory=tmp_path))
    acks = tmp_path / "acks"
    acks.mkdir()
    name = os.fsencode(tmp_path) + b"/caf\xe9.edi"
    with open(name, "wb") as handle:
        handle.write(INTERCHANGE.encode())
    later = tmp_path / "later.edi"
    later.write_text(INTERCHANGE.replace("000000905", "000000916").replace("*905", "*916"))
    command = [sys.executable, "-m", "logistics_bridge", "--config", str(config), "import"]
    command += ["--endpoint", "carrier", "--ack-dir", str(acks), os.fsdecode(name), str(later)]
    environment = dict(os.environ, PYTHONPATH=str(BRIDGE_SRC), PYTHONIOENCODING="utf-8:strict")
    result = subprocess.run(command, capture_output=True, env=environment, timeout=60)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    out = result.stdout.decode("utf-8")
    assert "caf\\udce9.edi: 2 event(s) imported" in out
    assert "later.edi: 2 event(s) imported" in out
    assert len(os.listdir(acks)) == 2


def test_a_long_file_name_still_gets_its_acknowledgement(import_config, tmp_path, capsys):
    """A file named close to the file system's limit of 255 bytes: the name of its 997 (the
    name, the content's digest, ``.997``) is cut to fit, else it could never be written,
    however often the file is imported again."""
    directory, config = import_config
    acks = tmp_path / "acks"
    acks.mkdir()
    path = tmp_path / ("\u00e9" * 120 + ".edi")  # 244 bytes in UTF-8
    path.write_text(INTERCHANGE.replace("000000905", "000000917").replace("*905", "*917"))
    argv = ["--config", config, "import", "--endpoint", "carrier", "--ack-dir", str(acks)]
    assert main([*argv, str(path)]) == 0, capsys.readouterr().err
    (written,) = acks.iterdir()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    assert written.name.endswith(f".{digest}.997") and written.name.startswith("\u00e9" * 100)
    assert len(os.fsencode(written.name)) <= 255
    assert written.read_text().startswith("ISA*")
    assert main([*argv, str(path)]) == 0
    assert "acknowledgement already written" in capsys.readouterr().out


def test_import_says_when_the_acknowledgement_cannot_be_written(
    import_config, clean_env, capsys, tmp_path
):
    directory, config = import_config
    acks = tmp_path / "acks"
    acks.mkdir()
    path = tmp_path / "good.edi"
    path.write_text(INTERCHANGE.replace("000000905", "000000915").replace("*905", "*915"))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    acknowledgement = acks / f"good.edi.{digest}.997"
    acknowledgement.mkdir()  # a directory where the 997 file should go
    argv = ["--config", config, "import", "--endpoint", "carrier", "--ack-dir", str(acks)]
    assert main([*argv, str(path)]) == 1
    captured = capsys.readouterr()
    assert f"{path}: 2 event(s) imported" in captured.out
    assert "the acknowledgement" in captured.err and "could not be written" in captured.err
    acknowledgement.rmdir()
    assert main([*argv, str(path)]) == 0
    assert acknowledgement.read_text().startswith("ISA*")


def test_an_ack_dir_name_cannot_add_a_line_to_the_report(import_config, tmp_path, capsys):
    directory, config = import_config
    forged = tmp_path / "acks\nx.edi: 1 event(s) imported, 0 duplicate(s)"
    path = tmp_path / "one.edi"
    path.write_text(INTERCHANGE)
    argv = ["--config", config, "import", "--endpoint", "carrier", "--ack-dir", str(forged)]
    assert main([*argv, str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "acks\\nx.edi" in err
