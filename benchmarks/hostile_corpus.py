"""A corpus of hostile requests against a live ``logistics-bridge serve``, tabulated.

Starts ``logistics-bridge serve --no-forward`` in its own process on a free loopback port,
with a fresh SQLite inbox in a temporary directory, and sends each request of the corpus
over a raw socket (so that malformed HTTP reaches the server as written). Every answer is
judged against docs/bridge-http.md:

- right: the status the contract gives, as the bridge's JSON (an error document for 4xx);
- questionable: a status the contract allows but does not prefer;
- wrong: anything else — a 5xx, no answer, a non-JSON answer, another status, or slower
  than ``--slow`` seconds (0: time is printed, not judged).

Afterwards every row of the inbox is checked (payload strict JSON, keys printable, not
blank and at most 255 characters, occurred_at ISO 8601 with an offset, webhook-id bounded),
and the number of rows must equal the events answered as accepted (or kept as conflicts).
Prints one line per category, the cases that were not right, the slowest request, and exits
non-zero if anything was wrong.

Besides the ``tms-event`` endpoint signed with Standard Webhooks, the bridge serves one
endpoint per other format and scheme (``json`` with token auth, a split ``json`` list,
``x12-214`` with basic auth, ``hmac`` with a timestamp header, ``hmac`` in base64): the
categories json-fmt, x12 and auth.

Needs only this repository's bridge package (no Odoo, no PostgreSQL).

Usage: python3 benchmarks/hostile_corpus.py [--slow 1.0] [--verbose] [--report-json PATH]
"""

from __future__ import annotations

import argparse
import base64
import hmac
import json
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bridge"))

from logistics_bridge.server import LISTENING_LINE  # noqa: E402
from logistics_bridge.store import open_inbox  # noqa: E402
from logistics_demo.processes import ManagedProcess, interrupt_on_sigterm  # noqa: E402
from raw_http import raw_exchange  # noqa: E402
from standardwebhooks.webhooks import Webhook  # noqa: E402

SECRET = "whsec_" + base64.b64encode(b"hostile-corpus-secret-0123").decode()
OTHER_SECRET = "whsec_" + base64.b64encode(b"not-the-configured-secret!").decode()
MAX_BODY = 1024 * 1024  # the default max_body_bytes
EVENTS = "/v1/tms/acme/events"
# The other formats and schemes, one endpoint each (docs/bridge-http.md, "Other formats").
TOKEN = "corpus-token-1"
BASIC_PAIR = "edi:corpus-pw"
HMAC_KEY = "corpus-hmac-key"
FORMAT_ENDPOINTS = {
    "docs": {
        "format": "json",
        "event_id_path": "id",
        "shipment_key_path": "ref",
        "auth": {"scheme": "token", "secrets": [TOKEN]},
    },
    "items": {
        "format": "json",
        "split_path": "items[*]",
        "event_id_path": "id",
        "auth": {"scheme": "token", "secrets": [TOKEN]},
    },
    "edi": {"format": "x12-214", "auth": {"scheme": "basic", "secrets": [BASIC_PAIR]}},
    "hm": {
        "format": "json",
        "auth": {
            "scheme": "hmac",
            "header": "X-Signature",
            "prefix": "sha256=",
            "timestamp_header": "X-Timestamp",
            "secrets": [HMAC_KEY],
        },
    },
    "hm64": {
        "format": "json",
        "auth": {
            "scheme": "hmac",
            "header": "X-Signature",
            "encoding": "base64",
            "secrets": [HMAC_KEY],
        },
    },
}
INTERCHANGE = (ROOT / "tests" / "bridge" / "fixtures" / "x12_214_two_shipments.edi").read_text()
_ST_997 = re.compile(rb"ST[^A-Za-z0-9 ]997[^A-Za-z0-9 ]")


@dataclass
class Case:
    """One hostile request and what the contract answers to it."""

    category: str
    name: str
    raw: bytes
    right: set[int]
    questionable: set[int] = field(default_factory=set)
    accepted_events: int = 0  # events a right 202 stores


@dataclass
class Verdict:
    case: Case
    status: int | None
    seconds: float
    judgement: str
    why: str = ""


# -- building requests ----------------------------------------------------------------------
def request(
    method: str,
    path: str,
    headers: dict[str, str] | list[tuple[str, str]],
    body: bytes = b"",
    *,
    length: bool = True,
    eol: bytes = b"\r\n",
) -> bytes:
    items = list(headers.items()) if isinstance(headers, dict) else list(headers)
    lines = [f"{method} {path} HTTP/1.1".encode("latin-1"), b"Host: 127.0.0.1"]
    lines += [f"{name}: {value}".encode() for name, value in items]
    if length:
        lines.append(f"Content-Length: {len(body)}".encode())
    lines.append(b"Connection: close")
    return eol.join(lines) + eol + eol + body


def event(number: int | str, **changes) -> dict:
    document = {
        "event_id": f"hc-{number}",
        "event_type": "status",
        "shipment_reference": f"HC-SHP-{number}",
        "occurred_at": "2026-05-01T10:00:00+02:00",
        "payload": {"status_code": "AF"},
    }
    document.update(changes)
    return {key: value for key, value in document.items() if value is not _DROP}


_DROP = object()


def sign(body: bytes, msg_id: str, *, secret: str = SECRET, at: float | None = None) -> dict:
    moment = datetime.fromtimestamp(at if at is not None else time.time(), UTC)
    text = body.decode("utf-8")
    return {
        "Content-Type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, moment, text),
    }


class Corpus:
    """Builds the cases; ``signed`` posts a body signed correctly unless told otherwise."""

    def __init__(self) -> None:
        self.cases: list[Case] = []
        self._serial = 0

    def msg_id(self) -> str:
        self._serial += 1
        return f"msg-hc-{self._serial}"

    def add(self, category: str, name: str, raw: bytes, right, questionable=(), accepted=0):
        self.cases.append(Case(category, name, raw, set(right), set(questionable), accepted))

    def signed(
        self,
        category: str,
        name: str,
        body: bytes | str,
        right,
        *,
        questionable=(),
        accepted: int = 0,
        path: str = EVENTS,
        **header_changes: str,
    ) -> None:
        raw_body = body.encode() if isinstance(body, str) else body
        headers = sign(raw_body, self.msg_id())
        headers.update({name.replace("_", "-"): value for name, value in header_changes.items()})
        self.add(
            category, name, request("POST", path, headers, raw_body), right, questionable, accepted
        )

    def document(self, category: str, name: str, document, right, **kwargs) -> None:
        self.signed(category, name, json.dumps(document, allow_nan=True), right, **kwargs)


def build_corpus() -> list[Case]:  # noqa: PLR0915 - one flat list of cases reads best
    corpus = Corpus()
    now = int(time.time())
    good = json.dumps(event("base")).encode()

    # -- controls: what must keep working ---------------------------------------------------
    corpus.document("control", "valid event", event(1), {202}, accepted=1)
    corpus.document("control", "valid array", [event(2), event(3)], {202}, accepted=2)
    corpus.document("control", "redelivered event", event(1), {200})
    corpus.document(
        "control",
        "charset parameter",
        event(4),
        {202},
        accepted=1,
        Content_Type="application/json; charset=utf-8",
    )
    corpus.document(
        "control",
        "upper-case media type",
        event(5),
        {202},
        accepted=1,
        Content_Type="Application/JSON",
    )
    corpus.document(
        "control",
        "past occurred_at",
        event(6, occurred_at="1999-01-01T00:00:00Z"),
        {202},
        accepted=1,
    )
    corpus.add("control", "healthz", request("GET", "/healthz", {}, length=False), {200})
    corpus.add("control", "metrics", request("GET", "/metrics", {}, length=False), {200})

    # -- signature headers -----------------------------------------------------------------
    for missing in ("webhook-id", "webhook-timestamp", "webhook-signature"):
        headers = sign(good, corpus.msg_id())
        del headers[missing]
        corpus.add("signature", f"no {missing}", request("POST", EVENTS, headers, good), {401})
    corpus.add(
        "signature",
        "no signature headers at all",
        request("POST", EVENTS, {"Content-Type": "application/json"}, good),
        {401},
    )
    timestamps = {
        "400 digits": "9" * 400,
        "-400 digits": "-" + "9" * 400,
        "13 digits": "9" * 13,
        "+ prefix": f"+{now}",
        "fraction": f"{now}.5",
        "exponent": "1.7e9",
        "zero": "0",
        "301 s old": str(now - 301),
        "301 s ahead": str(now + 301),
        "letters": "yesterday",
        "arabic-indic digits": "".join(chr(0x660 + int(d)) for d in str(now)),
        "fullwidth digits": "".join(chr(0xFF10 + int(d)) for d in str(now)),
        "hex": hex(now),
        "negative": str(-now),
    }
    for name, value in timestamps.items():
        corpus.signed("signature", f"timestamp {name}", good, {401}, webhook_timestamp=value)
    ids = {
        "100,000 characters": "x" * 100_000,
        "256 characters": "m" * 256,
        "with a space": "msg one",
        "non-ASCII": "msg-\u00e9t\u00e9",
        "with a tab": "msg\tone",
    }
    for name, value in ids.items():
        corpus.signed("signature", f"webhook-id {name}", good, {400}, webhook_id=value)
    body = json.dumps(event(10)).encode()
    corpus.add(
        "signature",
        "webhook-id 255 characters",
        request("POST", EVENTS, sign(body, "i" * 255), body),
        {202},
        accepted=1,
    )
    # HTTP strips the whitespace around a field value: the bridge sees plain digits.
    body = json.dumps(event(13)).encode()
    spaced = sign(body, corpus.msg_id())
    spaced["webhook-timestamp"] = f"  {spaced['webhook-timestamp']}  "
    corpus.add(
        "signature",
        "timestamp with surrounding spaces",
        request("POST", EVENTS, spaced, body),
        {202},
        accepted=1,
    )
    body = json.dumps(event(11)).encode()
    valid_signature = sign(body, "msg-hc-junk-first")
    corpus.add(
        "signature",
        "malformed entry before a valid one",
        request(
            "POST",
            EVENTS,
            {
                **valid_signature,
                "webhook-signature": "garbage v1,@@@ " + valid_signature["webhook-signature"],
            },
            body,
        ),
        {202},
        accepted=1,
    )
    body = json.dumps(event(12)).encode()
    many = sign(body, "msg-hc-many")
    many["webhook-signature"] = " ".join(["v1,AAAA"] * 2000 + [many["webhook-signature"]])
    corpus.add(
        "signature",
        "2000 wrong entries then a valid one",
        request("POST", EVENTS, many, body),
        {202},
        accepted=1,
    )
    signatures = {
        "garbage": "garbage",
        "v1 without value": "v1,",
        "bad base64": "v1,@@@not-base64",
        "other version only": "v1a,c2lnbmF0dXJl",
        "short base64": "v1,A",
        "empty": " ",
        "tampered": "v1," + base64.b64encode(b"x" * 32).decode(),
    }
    for name, value in signatures.items():
        corpus.signed("signature", f"signature {name}", good, {401}, webhook_signature=value)
    other = sign(good, "msg-hc-other")
    other["webhook-signature"] = Webhook(OTHER_SECRET).sign(
        "msg-hc-other", datetime.fromtimestamp(now, UTC), good.decode()
    )
    other["webhook-timestamp"] = str(now)
    corpus.add("signature", "unknown secret", request("POST", EVENTS, other, good), {401})
    tampered = sign(good, "msg-hc-tampered")
    corpus.add(
        "signature",
        "body changed after signing",
        request("POST", EVENTS, tampered, good.replace(b"AF", b"D1")),
        {401},
    )
    old = sign(good, "msg-hc-old", at=now - 3600)
    corpus.add("signature", "replayed an hour later", request("POST", EVENTS, old, good), {401})

    # -- JSON bodies (validly signed) ------------------------------------------------------
    for depth in (65, 1000, 10_000, 100_000):
        corpus.signed("json", f"array nested {depth} deep", "[" * depth + "]" * depth, {400})
        corpus.signed(
            "json", f"object nested {depth} deep", '{"a":' * depth + "1" + "}" * depth, {400}
        )
    corpus.signed(
        "json",
        "payload nested 60 deep",
        json.dumps(event(20, payload={"x": json.loads("[" * 60 + "]" * 60)})),
        {202},
        accepted=1,
    )
    corpus.signed(
        "json",
        "brackets inside a string",
        json.dumps(event(21, payload={"note": "[{" * 5000})),
        {202},
        accepted=1,
    )
    numbers = {
        "1e400": "1e400",
        "-1e400": "-1e400",
        "NaN": "NaN",
        "Infinity": "Infinity",
        "-Infinity": "-Infinity",
        "5000-digit integer": "9" * 5000,
        "1e-400 (underflow)": "1e-400",
    }
    for name, literal in numbers.items():
        body = json.dumps(event(f"num-{name}", payload={"n": 0})).replace(
            '"n": 0', f'"n": {literal}'
        )
        # A number a float cannot hold is refused by its path, an integer as well.
        corpus.signed("json", f"number {name}", body, {422})
    corpus.signed(
        "json", "4000-digit integer", json.dumps(event(22, payload={"n": 10**3999})), {422}
    )
    corpus.signed(
        "json",
        "309-digit integer a double holds",
        json.dumps(event("max-double", payload={"n": int(1.7e308)})),
        {202},
        accepted=1,
    )
    corpus.signed(
        "json",
        "duplicate top-level key",
        json.dumps(event(23)).replace('"event_type"', '"event_id": "x", "event_type"'),
        {400},
    )
    corpus.signed(
        "json",
        "duplicate key in payload",
        json.dumps(event(24)).replace(
            '"status_code": "AF"', '"status_code": "AF", "status_code": "D1"'
        ),
        {400},
    )
    corpus.signed("json", "lone surrogate", json.dumps(event(25)).replace("AF", "\\ud800"), {400})
    corpus.signed(
        "json",
        "paired surrogates",
        json.dumps(event(26)).replace("AF", "\\ud83d\\ude9a"),
        {202},
        accepted=1,
    )
    for encoding in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        corpus.signed(
            "json", f"{encoding} body", json.dumps(event(f"enc-{encoding}")).encode(encoding), {400}
        )
    for encoding in ("utf-16", "utf-32"):
        raw = json.dumps(event(f"bom-{encoding}")).encode(encoding)
        headers = sign(b"{}", corpus.msg_id())
        corpus.add(
            "json", f"{encoding} body with BOM", request("POST", EVENTS, headers, raw), {401}
        )
    corpus.signed("json", "UTF-8 BOM", "\ufeff" + json.dumps(event(27)), {400})
    invalid = json.dumps(event(28)).encode().replace(b"AF", b"\xff\xfe")
    corpus.add(
        "json",
        "invalid UTF-8",
        request("POST", EVENTS, sign(b"{}", corpus.msg_id()), invalid),
        {401},
    )
    corpus.signed(
        "json", "raw NUL in a string", json.dumps(event(29)).replace("AF", "A\x00F"), {400}
    )
    corpus.signed(
        "json", "raw newline in a string", json.dumps(event(30)).replace("AF", "A\nF"), {400}
    )
    corpus.signed("json", "trailing garbage", json.dumps(event(31)) + " x", {400})
    corpus.signed("json", "two documents", json.dumps(event(32)) * 2, {400})
    corpus.signed("json", "truncated", json.dumps(event(33))[:-5], {400})
    corpus.signed("json", "single quotes", json.dumps(event(34)).replace('"', "'"), {400})
    corpus.signed("json", "comment", "/* hi */" + json.dumps(event(35)), {400})
    corpus.signed("json", "empty body", "", {400})
    corpus.signed("json", "whitespace body", "   \n ", {400})
    for name, text in {
        "null": "null",
        "true": "true",
        "number": "42",
        "string": '"x"',
        "empty array": "[]",
        "empty object": "{}",
    }.items():
        corpus.signed("json", f"top-level {name}", text, {422})
    corpus.signed("json", "20,000 invalid elements", json.dumps([{"event_id": ""}] * 20_000), {422})
    corpus.signed("json", "1,000 invalid elements", json.dumps([{"event_id": ""}] * 1000), {422})
    corpus.signed(
        "json", "1,001 valid events", json.dumps([event(f"many-{i}") for i in range(1001)]), {422}
    )
    corpus.signed("json", "5,000 empty objects", "[" + ",".join(["{}"] * 5000) + "]", {422})
    corpus.signed(
        "json",
        "array with one bad element of many",
        json.dumps([event(f"arr-{i}") for i in range(50)] + [event("arr-x", event_type="x")]),
        {422},
    )
    corpus.signed(
        "json",
        "200 valid events",
        json.dumps([event(f"bulk-{i}") for i in range(200)]),
        {202},
        accepted=200,
    )

    # -- the event envelope ----------------------------------------------------------------
    hostile_keys = {
        "empty": "",
        "one space": " ",
        "tab": "\t",
        "NUL inside": "evt\x00x",
        "CR LF inside": "evt\r\nforged",
        "DEL inside": "evt\x7f",
        "U+0085 inside": "evt\x85",
        "256 characters": "k" * 256,
    }
    for field_name in ("event_id", "correlation_id"):
        for name, value in hostile_keys.items():
            corpus.document(
                "envelope",
                f"{field_name} {name}",
                event(f"{field_name}-{name}", **{field_name: value}),
                {422},
            )
    for name, value in {**hostile_keys, "129 characters": "r" * 129}.items():
        if name != "256 characters":
            corpus.document(
                "envelope",
                f"shipment_reference {name}",
                event(f"ref-{name}", shipment_reference=value),
                {422},
            )
    for name, value in {"number": 42, "null": None, "list": ["a"], "object": {}}.items():
        corpus.document(
            "envelope", f"event_id as {name}", event(f"t-{name}", event_id=value), {422}
        )
    ahead = datetime.now(UTC)
    occurred = {
        "no offset": ("2026-05-01T10:00:00", {422}),
        "bare integer": (1767225600, {422}),
        "bare float": (1767225600.5, {422}),
        "numeric string": ("1767225600", {422}),
        "date only": ("2026-05-01", {422}),
        "garbage": ("soon", {422}),
        "month 13": ("2026-13-01T00:00:00Z", {422}),
        "two days ahead": ((ahead + timedelta(days=2)).isoformat(), {422}),
        "years ahead": ("2099-01-01T00:00:00Z", {422}),
        "year 9999": ("9999-12-31T23:59:59Z", {422}),
        "23 hours ahead": ((ahead + timedelta(hours=23)).isoformat(), {202}),
        "Z suffix": ("2026-05-01T10:00:00Z", {202}),
    }
    for name, (value, right) in occurred.items():
        corpus.document(
            "envelope",
            f"occurred_at {name}",
            event(f"occ-{name}", occurred_at=value),
            right,
            accepted=1 if 202 in right else 0,
        )
    corpus.document("envelope", "unknown event_type", event(40, event_type="teleport"), {422})
    corpus.document("envelope", "event_type as number", event(41, event_type=1), {422})
    corpus.document("envelope", "unknown field", event(42, surprise=1), {422})
    corpus.document("envelope", "missing event_id", event(43, event_id=_DROP), {422})
    corpus.document("envelope", "missing occurred_at", event(44, occurred_at=_DROP), {422})
    corpus.document("envelope", "payload as list", event(45, payload=[1]), {422})
    corpus.document("envelope", "payload as string", event(46, payload="x"), {422})
    corpus.document("envelope", "payload null", event(47, payload=None), {422})
    corpus.document(
        "envelope", "schema_version 33 characters", event(48, schema_version="v" * 33), {422}
    )
    corpus.document("envelope", "schema_version Odoo refuses", event(82, schema_version="2"), {422})
    corpus.document(
        "envelope", "correlation_id null", event(49, correlation_id=None), {202}, accepted=1
    )
    corpus.document(
        "envelope",
        "unicode keys",
        event("\u00e9v\u00e9nement-\u4e2d", shipment_reference="\u8239-1"),
        {202},
        accepted=1,
    )
    corpus.document(
        "envelope", "big payload text", event(50, payload={"t": "x" * 60_000}), {202}, accepted=1
    )

    # -- paths, methods, media types -------------------------------------------------------
    corpus.document("http", "unknown endpoint", event(60), {404}, path="/v1/tms/nobody/events")
    corpus.document(
        "http",
        "encoded CR LF in endpoint",
        event(61),
        {404},
        path="/v1/tms/x%0d%0a2026-01-01%20ERROR%20forged/events",
    )
    corpus.document("http", "non-ASCII endpoint", event(62), {404}, path="/v1/tms/caf%C3%A9/events")
    corpus.document("http", "10,000-character path", event(63), {404}, path="/" + "p" * 10_000)
    corpus.document("http", "dot segments", event(64), {404}, path="/v1/tms/../tms/acme/x/events")
    corpus.document("http", "double slash", event(65), {404}, path="/v1/tms//events")
    corpus.document("http", "query string", event(66), {202}, accepted=1, path=EVENTS + "?a=1&b")
    for method in ("GET", "PUT", "DELETE", "PATCH", "OPTIONS"):
        corpus.add("http", f"{method} on events", request(method, EVENTS, {}, b""), {405})
    # Methods are case-sensitive: "post" is another method (waitress refuses it first).
    corpus.add("http", "post (lower case) on events", request("post", EVENTS, {}, b""), {400, 405})
    corpus.add("http", "HEAD on healthz", request("HEAD", "/healthz", {}, length=False), {200})
    corpus.add("http", "POST on metrics", request("POST", "/metrics", {}, b"x"), {405})
    corpus.add("http", "unknown path", request("GET", "/admin", {}, length=False), {404})
    corpus.add("http", "invalid method token", request("G@T", "/healthz", {}, length=False), {400})
    corpus.add(
        "http",
        "absolute-form target",
        request("GET", "http://evil/healthz", {}, length=False),
        {200},
        {404},
    )
    corpus.add("http", "HTTP/2 preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", {400, 404})
    corpus.add(
        "http",
        "bare LF line endings",
        request("GET", "/healthz", {}, length=False, eol=b"\n"),
        {400},
    )
    corpus.add(
        "http",
        "header without colon",
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nno colon\r\n\r\n",
        {400},
    )
    corpus.add(
        "http",
        "CR inside a header value",
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n",
        {400},
    )
    # Exactly waitress's 256 KiB header limit: a byte more would be left unread and reset
    # the connection before the answer could be read.
    start = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: "
    corpus.add("http", "header block of 256 KiB", start + b"a" * (262_144 - len(start)), {431})
    body = json.dumps(event(70)).encode()
    headers = sign(body, corpus.msg_id())
    for name, value in {
        "no Content-Type": None,
        "text/plain": "text/plain",
        "application/xml": "application/xml",
        "multipart": "multipart/form-data; boundary=x",
        "application/json-seq": "application/json-seq",
    }.items():
        changed = {k: v for k, v in headers.items() if k != "Content-Type"}
        if value is not None:
            changed["Content-Type"] = value
        corpus.add("http", f"Content-Type {name}", request("POST", EVENTS, changed, body), {415})

    # -- framing and size ------------------------------------------------------------------
    big = json.dumps(event(80, payload={"t": "x" * (MAX_BODY + 10)})).encode()
    corpus.add(
        "framing",
        "body over the limit",
        request("POST", EVENTS, sign(big, corpus.msg_id()), big),
        {413},
    )
    corpus.add(
        "framing",
        "Content-Length far over the limit",
        request(
            "POST",
            EVENTS,
            [("Content-Type", "application/json"), ("Content-Length", str(10**12))],
            length=False,
        ),
        {413},
    )
    corpus.add(
        "framing",
        "Content-Length over waitress's limit",
        request(
            "POST",
            EVENTS,
            [("Content-Type", "application/json"), ("Content-Length", str(MAX_BODY * 4 + 1))],
            length=False,
        ),
        {413},
    )
    corpus.add(
        "framing",
        "Content-Length negative",
        request("POST", EVENTS, [("Content-Length", "-5")], length=False),
        {400},
    )
    corpus.add(
        "framing",
        "Content-Length not a number",
        request("POST", EVENTS, [("Content-Length", "ten")], length=False),
        {400},
    )
    corpus.add(
        "framing",
        "two different Content-Lengths",
        request(
            "POST",
            EVENTS,
            [("Content-Length", "5"), ("Content-Length", "6")],
            b"hello",
            length=False,
        ),
        {400},
    )
    body = json.dumps(event(81)).encode()
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    corpus.add(
        "framing",
        "chunked body",
        request(
            "POST",
            EVENTS,
            {**sign(body, corpus.msg_id()), "Transfer-Encoding": "chunked"},
            chunked,
            length=False,
        ),
        {202},
        accepted=1,
    )
    big_chunks = b"".join(b"%x\r\n%s\r\n" % (8192, b"x" * 8192) for _ in range(130)) + b"0\r\n\r\n"
    corpus.add(
        "framing",
        "chunked body over the limit",
        request(
            "POST",
            EVENTS,
            {**sign(b"{}", corpus.msg_id()), "Transfer-Encoding": "chunked"},
            big_chunks,
            length=False,
        ),
        {413},
    )
    corpus.add(
        "framing",
        "bad chunk size",
        request(
            "POST", EVENTS, {"Transfer-Encoding": "chunked"}, b"zz\r\nab\r\n0\r\n\r\n", length=False
        ),
        {400},
    )
    corpus.add(
        "framing",
        "Transfer-Encoding gzip",
        request("POST", EVENTS, {"Transfer-Encoding": "gzip, chunked"}, b"0\r\n\r\n", length=False),
        {400},
    )
    corpus.add(
        "framing",
        "Content-Length and chunked together",
        request(
            "POST",
            EVENTS,
            [("Content-Length", "4"), ("Transfer-Encoding", "chunked")],
            b"0\r\n\r\n",
            length=False,
        ),
        {400},
    )
    add_json_format_cases(corpus)
    add_x12_cases(corpus)
    add_scheme_cases(corpus)
    add_misread_cases(corpus)
    return corpus.cases


def add_misread_cases(corpus: Corpus) -> None:
    """Requests the bridge once misread: trailer fields taken for headers, upgrades answered
    twice, a charset ignored, one id spelt two ways, integers beyond a double."""
    body = json.dumps(event("trailer")).encode()
    headers = sign(body, corpus.msg_id())
    signature = headers.pop("webhook-signature")
    chunked = b"%x\r\n%s\r\n0\r\n" % (len(body), body)
    corpus.add(
        "framing",
        "signature in a trailer field",
        request(
            "POST",
            EVENTS,
            {**headers, "Transfer-Encoding": "chunked"},
            chunked + f"webhook-signature: {signature}\r\n\r\n".encode(),
            length=False,
        ),
        {401},
    )
    flood = b"".join(b"X-T%d: %s\r\n" % (i, b"t" * 8000) for i in range(40)) + b"\r\n"
    corpus.add(
        "framing",
        "trailer fields of 320 KB",
        request(
            "POST",
            EVENTS,
            {**headers, "Transfer-Encoding": "chunked"},
            chunked + flood,
            length=False,
        ),
        {431},
    )
    upgrade = sign(body, corpus.msg_id())
    upgrade.update({"Upgrade": "h2c", "Connection": "Upgrade, HTTP2-Settings"})
    corpus.add(
        "framing", "Upgrade: h2c on a callback", request("POST", EVENTS, upgrade, body), {400}
    )
    corpus.add(
        "http", "CONNECT authority-form", b"CONNECT evil:443 HTTP/1.1\r\nHost: evil\r\n\r\n", {400}
    )
    corpus.add(
        "http",
        "HTTP/1.1 without Host",
        b"GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n",
        {400},
    )
    corpus.add(
        "http",
        "two Host headers",
        b"GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n",
        {400},
    )
    corpus.add(
        "http",
        "HTTP/2.0 request line",
        b"GET /healthz HTTP/2.0\r\nHost: a\r\nConnection: close\r\n\r\n",
        {400},
    )
    text = json.dumps(event("charset", shipment_reference="Caf\u00e9"), ensure_ascii=False)
    for charset in ("utf-16", "iso-8859-1", "x-unknown"):
        corpus.signed(
            "json",
            f"UTF-8 body labelled charset={charset}",
            text,
            {415},
            Content_Type=f"application/json; charset={charset}",
        )
    corpus.document("envelope", "event_id decomposed (NFD)", event("cafe\u0301"), {422})
    corpus.document(
        "envelope",
        "shipment_reference decomposed (NFD)",
        event("nfd", shipment_reference="cafe\u0301"),
        {422},
    )
    for literal in ("0e99999999999999999999", "1e-99999999999999999999"):
        huge = json.dumps(event(f"exp-{literal}", payload={"n": 0}))
        corpus.signed("json", f"number {literal}", huge.replace('"n": 0', f'"n": {literal}'), {422})
    year0 = event("year-0", occurred_at="0001-01-01T00:00:00+14:00")
    corpus.document("envelope", "occurred_at in the year 0 in UTC", year0, {422})
    repeated = json.dumps(event("repeated-signature")).encode()
    headers = sign(repeated, corpus.msg_id())
    valid = headers.pop("webhook-signature")
    corpus.add(
        "signature",
        "valid signature header, then another",
        request(
            "POST",
            EVENTS,
            [*headers.items(), ("webhook-signature", valid), ("webhook-signature", "v1,AAAA")],
            repeated,
        ),
        {202},
        accepted=1,
    )
    big = json.dumps(event("int-400", payload={"n": 0})).replace('"n": 0', '"n": ' + "9" * 400)
    corpus.signed("json", "400-digit integer", big, {422})
    for name, document in (("empty object", b"{}"), ("empty array", b"[]")):
        corpus.add(
            "json-fmt",
            f"{name} document",
            request("POST", "/v1/in/docs", TOKEN_HEADERS, document),
            {422},
        )
    separators = (
        INTERCHANGE.replace("000000905", "000000931").replace("*905", "*931").replace("~\n", "~")
    )
    separators = separators.replace("*", "\x1d").replace(">~", "\x1f~", 1).replace("~", "\x1c")
    corpus.add(
        "x12",
        "GS/US/FS delimiters",
        request("POST", "/v1/in/edi", BASIC_HEADERS, separators.encode()),
        {202},
        accepted=2,
    )
    blank = INTERCHANGE.replace("*ABCD           *", "*               *", 1)
    corpus.add(
        "x12", "blank ISA06", request("POST", "/v1/in/edi", BASIC_HEADERS, blank.encode()), {422}
    )


# -- other formats and schemes --------------------------------------------------------------
TOKEN_HEADERS = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
BASIC_HEADERS = {
    "Authorization": "Basic " + base64.b64encode(BASIC_PAIR.encode()).decode(),
    "Content-Type": "application/edi-x12",
}


def add_json_format_cases(corpus: Corpus) -> None:
    def post(name, body, right, endpoint="docs", accepted=0, questionable=()):
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        path = f"/v1/tms/{endpoint}/events"
        corpus.add(
            "json-fmt",
            name,
            request("POST", path, TOKEN_HEADERS, raw),
            right,
            questionable,
            accepted,
        )

    post("valid document", {"id": "jf-1", "ref": "JF-SHP-1"}, {202}, accepted=1)
    post("redelivered document", {"id": "jf-1", "ref": "JF-SHP-1"}, {200})
    post("valid split", {"items": [{"id": "jf-2"}, {"id": "jf-3"}]}, {202}, "items", accepted=2)
    post("no id: body hash", {"ref": "JF-SHP-2", "n": 1}, {202}, accepted=1)
    post("scalar document", b'"just a string"', {422})
    post("huge document", b'{"id":"jf-big","pad":"' + b"x" * (MAX_BODY + 10) + b'"}', {413})
    post("nested 100,000 deep", b"[" * 100_000 + b"]" * 100_000, {400})
    post("duplicate key", b'{"id":"jf-4","id":"jf-5"}', {400})
    post("number overflowing a float", b'{"id":"jf-6","v":1e400}', {422})
    post("NaN literal", b'{"id":"jf-7","v":NaN}', {422})
    post("Infinity literal", b'{"id":"jf-8","v":-Infinity}', {422})
    post("UTF-16 body", json.dumps({"id": "jf-9"}).encode("utf-16"), {400})
    post("id is an object", {"id": {"a": 1}}, {422})
    post("id is an array", {"id": ["jf-10"]}, {422})
    post("id is a float: its JSON text", {"id": 1.5}, {202}, accepted=1)
    post("id is true", {"id": True}, {422})
    post("id is an empty string: body hash", {"id": "", "ref": "JF-SHP-3"}, {202}, accepted=1)
    post("id of one space", {"id": " "}, {422})
    post("id with NUL", {"id": "jf\u0000"}, {422}, questionable={202})
    post("id with NUL (escaped)", b'{"id":"jf\u0000-11"}', {422})
    post("id with CR/LF", {"id": "jf-12\r\n2026-01-01 ERROR forged"}, {422})
    post("raw CR/LF inside a string", b'{"id":"jf-12\r\n"}', {400})
    post("id of 100,000 characters", {"id": "i" * 100_000}, {422})
    post("id a 5,000-digit integer", b'{"id":' + b"7" * 5000 + b"}", {400, 422})
    post("shipment key with BEL", {"id": "jf-13", "ref": "\u0007"}, {422}, questionable={202})
    post("shipment key with BEL (escaped)", b'{"id":"jf-14","ref":"\u0007"}', {422})
    post("shipment key is an object", {"id": "jf-15", "ref": {"x": 1}}, {422})
    post("split list is an object", {"items": {"id": "jf-16"}}, {422}, "items")
    post("split list is empty", {"items": []}, {422}, "items")
    post("split path missing", {"other": []}, {422}, "items")
    many = {"items": [{"id": f"jf-many-{index}"} for index in range(20_000)]}
    post("split into 20,000 elements", many, {422}, "items")
    post("split element id is an object", {"items": [{"id": {"x": 1}}]}, {422}, "items")
    post("lone surrogate", b'{"id":"jf-17","v":"\ud800"}', {400})


def _x12(name: str, text: str | bytes, right, corpus: Corpus, *, accepted=0, **headers) -> None:
    raw = text if isinstance(text, bytes) else text.encode()
    corpus.add(
        "x12",
        name,
        request("POST", "/v1/tms/edi/events", {**BASIC_HEADERS, **headers}, raw),
        right,
        (),
        accepted,
    )


def add_x12_cases(corpus: Corpus) -> None:
    good = INTERCHANGE
    isa, rest = good[:106], good[106:]
    segments = good.split("~")
    one_set = "~".join(segments[2:11]) + "~"

    def sets(count: int) -> str:
        body = "".join(one_set.replace("0001", f"{n:04d}") for n in range(1, count + 1))
        return f"{segments[0]}~{segments[1]}~{body}GE*{count}*905~IEA*1*000000905~"

    _x12("valid interchange", good, {202}, corpus, accepted=2)
    # Retransmitted by its network: new ISA09/ISA10 and GS04/GS05, the same control numbers.
    reenveloped = good.replace("*260501*1015*", "*260502*2359*", 1).replace(
        "*20260501*1015*", "*20260502*235959*", 1
    )
    _x12("valid interchange sent again in a new envelope", reenveloped, {200}, corpus)
    _x12(
        "new envelope, one status time other",
        reenveloped.replace("*20260501*0930*", "*20260501*0945*", 1),
        {409},
        corpus,
        accepted=1,
    )
    _x12("redelivered interchange", good, {200}, corpus)
    _x12(
        "text/plain",
        good.replace("000000905", "000000907").replace("*905", "*907"),
        {202},
        corpus,
        accepted=2,
        Content_Type="text/plain",
    )
    _x12("ISA of 80 characters", good[:80], {400}, corpus)
    _x12("ISA one short", isa[:50] + isa[51:] + rest, {400}, corpus)
    _x12("ISA one long", isa[:50] + " " + isa[50:] + rest, {400}, corpus)
    _x12("element separator = component", isa[:104] + "*" + rest, {400}, corpus)
    _x12(
        "segment terminator = element separator",
        isa[:105] + "*" + rest.replace("~", "*"),
        {400, 422},
        corpus,
    )
    _x12("alphanumeric terminator", isa[:105] + "A" + rest.replace("~", "A"), {400}, corpus)
    _x12("no segment terminator at all", good.replace("~", "").replace("\n", ""), {400}, corpus)
    _x12("last terminator missing", good.rstrip().removesuffix("~"), {400}, corpus)
    _x12("NUL bytes", good.replace("PRO8841", "PRO\x00\x00"), {400}, corpus)
    _x12("binary garbage", bytes(range(256)) * 4, {400}, corpus)
    _x12("UTF-16 text", good.encode("utf-16"), {400}, corpus)
    _x12(
        "SE count of 5,000 digits",
        good.replace("SE*9*", "SE*" + "9" * 5000 + "*", 1),
        {422},
        corpus,
    )
    _x12("GE count of 5,000 digits", good.replace("GE*2*", "GE*" + "2" * 5000 + "*"), {422}, corpus)
    _x12(
        "IEA count of 5,000 digits",
        good.replace("IEA*1*", "IEA*" + "1" * 5000 + "*"),
        {422},
        corpus,
    )
    _x12("SE count off by one", good.replace("SE*9*", "SE*10*", 1), {422}, corpus)
    _x12("GE count off by one", good.replace("GE*2*", "GE*3*"), {422}, corpus)
    _x12("IEA count off by one", good.replace("IEA*1*", "IEA*2*"), {422}, corpus)
    _x12("SE count in Arabic-Indic digits", good.replace("SE*9*", "SE*\u0669*", 1), {422}, corpus)
    _x12("IEA missing", good.split("IEA")[0], {400}, corpus)
    _x12("GE missing", good.replace("GE*2*905~", ""), {400}, corpus)
    _x12("non-numeric ISA13", good.replace("000000905*0", "00000090X*0"), {422}, corpus)
    _x12("non-numeric GS06", good.replace("1015*905*X", "1015*9O5*X"), {422}, corpus)
    _x12(
        "ST02 of one character",
        good.replace("ST*214*0001~", "ST*214*1~").replace("SE*9*0001", "SE*9*1"),
        {422},
        corpus,
    )
    _x12("nested ISA envelope", good.replace("LX*1~", isa + "LX*1~", 1), {400, 422}, corpus)
    _x12(
        "nested ISA envelope counted by its SE",
        good.replace("LX*1~", isa + "LX*1~", 1).replace("SE*9*0001", "SE*10*0001"),
        {400},
        corpus,
    )
    _x12("line break inside an element", good.replace("MEMPHIS", "MEM\r\nPHIS"), {400}, corpus)
    _x12("5,000 ST sets", sets(5000), {422}, corpus)
    _x12("1,001 ST sets", sets(1001), {422}, corpus)
    many_segments = good.replace("LX*1~", "L11*X*PO~" * 50_000 + "LX*1~", 1)
    _x12("50,000 segments in one set", many_segments, {422}, corpus)
    _x12(
        "400,000 elements in one segment",
        good.replace("MS1*MEMPHIS", "MS1" + "*X" * 400_000, 1),
        # The ids of an interchange already sent, one set's content other: a conflict.
        {409, 413},
        corpus,
        accepted=1,
    )
    _x12(
        "shipment id of 100,000 characters", good.replace("SHP-0042", "S" * 100_000), {422}, corpus
    )
    _x12("wrong transaction set (210)", good.replace("ST*214", "ST*210"), {422}, corpus)
    _x12("B10 without elements", good.replace("B10*PRO8841*SHP-0042*ABCD", "B10"), {422}, corpus)
    two_b10 = good.replace("LX*1~", "B10*PRO9*SHP-9*ABCD~LX*1~", 1).replace(
        "SE*9*0001", "SE*10*0001"
    )
    _x12("a second B10 in one set", two_b10, {422}, corpus)
    b10_in_loop = good.replace("B10*PRO8841*SHP-0042*ABCD~", "", 1).replace(
        "LX*1~", "LX*1~B10*PRO8841*SHP-0042*ABCD~", 1
    )
    _x12("B10 inside an LX loop", b10_in_loop, {422}, corpus)
    _x12("C1 CSI in an element", good.replace("SHP-0042", "SHP\u009b0042"), {400}, corpus)
    _x12("C1 NEL in an element", good.replace("MEMPHIS", "MEM\u0085PHIS"), {400}, corpus)
    second_group = "~".join(segments[1:11]) + "~GE*1*905~"
    _x12(
        "GS06 used twice in the interchange",
        f"{segments[0]}~{second_group}{second_group}IEA*2*000000905~",
        {422},
        corpus,
    )
    _x12(
        "group without a transaction set",
        good.replace(
            "IEA*1*", "GS*QM*ABCD*ACMELOGISTICS*20260501*1015*906*X*004010~GE*0*906~IEA*2*"
        ),
        {422},
        corpus,
    )
    _x12(
        "ST02 holding the id separator",
        good.replace("*0001~", "*00:01~").replace("*0002~", "*00:02~"),
        {202},
        corpus,
        accepted=2,
    )


def add_scheme_cases(corpus: Corpus) -> None:
    now = str(int(time.time()))
    body = b'{"n":1}'

    def hmac_request(name, timestamp, signature=None, right=(401,), accepted=0, endpoint="hm"):
        headers = {"Content-Type": "application/json"}
        if timestamp is not None:
            headers["X-Timestamp"] = timestamp
        if signature is None:
            signed = timestamp.encode() + b"." + body if timestamp is not None else body
            signature = "sha256=" + hmac.new(HMAC_KEY.encode(), signed, "sha256").hexdigest()
        headers["X-Signature"] = signature
        path = f"/v1/tms/{endpoint}/events"
        corpus.add("auth", name, request("POST", path, headers, body), set(right), (), accepted)

    hmac_request("hmac valid", now, right={202}, accepted=1)
    hmac_request("hmac signed 500-digit timestamp", "9" * 500)
    hmac_request("hmac signed negative huge timestamp", "-" + "9" * 500)
    hmac_request("hmac signed +timestamp", "+" + now)
    hmac_request("hmac signed timestamp with spaces inside", now[:3] + " " + now[3:])
    hmac_request("hmac signed Arabic-Indic timestamp", "\u0661\u0662\u0663")
    hmac_request("hmac signed float timestamp", now + ".5")
    hmac_request("hmac no timestamp", None)
    hmac_request("hmac hex not hex", now, "sha256=" + "zz" * 32)
    hmac_request("hmac hex odd length", now, "sha256=" + "a" * 63)
    hmac_request("hmac non-ASCII", now, "sha256=" + "\u00e9" * 32)
    hmac_request("hmac wrong prefix", now, "sha1=" + "a" * 64)
    hmac_request("hmac prefix only", now, "sha256=")
    hmac_request("hmac 100k signature", now, "sha256=" + "a" * 100_000)
    b64 = base64.b64encode(hmac.new(HMAC_KEY.encode(), body, "sha256").digest()).decode()
    hmac_request("hmac base64 valid", None, b64, right={202}, accepted=1, endpoint="hm64")
    hmac_request("hmac base64 bad padding", None, b64.rstrip("=") + "===", endpoint="hm64")
    hmac_request("hmac base64 not base64", None, "!!!" + b64, endpoint="hm64")

    def basic(name, authorization, right=(401,)):
        headers = {**BASIC_HEADERS, "Authorization": authorization}
        corpus.add(
            "auth",
            name,
            request("POST", "/v1/tms/edi/events", headers, INTERCHANGE.encode()),
            set(right),
        )

    encoded = base64.b64encode
    basic("basic non-ASCII user", "Basic " + encoded("\u00e9di:corpus-pw".encode()).decode())
    basic("basic raw non-ASCII value", "Basic \u00e9\u00e9\u00e9\u00e9")
    basic("basic no colon", "Basic " + encoded(b"edicorpus-pw").decode())
    basic("basic not base64", "Basic ***")
    basic("basic empty value", "Basic ")
    basic("basic other scheme", "Digest " + encoded(BASIC_PAIR.encode()).decode())
    basic("basic 100k header", "Basic " + "A" * 100_000)
    basic("basic header over the limit", "Basic " + "A" * 300_000, right=(431, 400))

    def token(name, headers, right=(401,)):
        raw = request("POST", "/v1/tms/docs/events", headers, b'{"id":"tk-1","ref":"TK"}')
        corpus.add("auth", name, raw, set(right))

    plain = {"Content-Type": "application/json"}
    token(
        "token repeated header",
        [
            *plain.items(),
            ("Authorization", f"Bearer {TOKEN}"),
            ("Authorization", f"Bearer {TOKEN}"),
        ],
    )
    token(
        "token repeated, one wrong",
        [*plain.items(), ("Authorization", "Bearer nope"), ("Authorization", f"Bearer {TOKEN}")],
    )
    token("token without prefix", {**plain, "Authorization": TOKEN})
    token("token non-ASCII", {**plain, "Authorization": "Bearer t\u00f6ken"})
    token("token missing", plain)
    token("token 100k", {**plain, "Authorization": "Bearer " + "t" * 100_000})


# -- sending and judging --------------------------------------------------------------------
def judge(case: Case, answer: bytes, seconds: float, slow: float) -> Verdict:
    if not answer:
        return Verdict(case, None, seconds, "wrong", "no answer")
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    if status >= 500:
        return Verdict(case, status, seconds, "wrong", "server error")
    if slow and seconds > slow:
        return Verdict(case, status, seconds, "wrong", f"slow: {seconds:.2f}s")
    is_metrics = case.raw.startswith(b"GET /metrics")
    is_head = case.raw.startswith(b"HEAD ")
    # An accepted X12 interchange is answered with its 997, not JSON.
    is_997 = status < 300 and b"content-type: application/edi-x12" in head.lower()
    # The 997 answers with the delimiters the interchange declared (``*`` or another).
    if is_997 and not (body.startswith(b"ISA") and _ST_997.search(body)):
        return Verdict(case, status, seconds, "wrong", "no 997 acknowledgement")
    if not (is_metrics or is_head or is_997):
        if b"content-type: application/json" not in head.lower():
            return Verdict(case, status, seconds, "wrong", "answer is not JSON")
        try:
            document = json.loads(body)
        except ValueError:
            return Verdict(case, status, seconds, "wrong", "answer is not JSON")
        if status >= 400 and not (document.get("error") and document.get("message")):
            return Verdict(case, status, seconds, "wrong", "error document incomplete")
    if status in case.right:
        return Verdict(case, status, seconds, "right")
    if status in case.questionable:
        return Verdict(case, status, seconds, "questionable", f"expected {sorted(case.right)}")
    return Verdict(case, status, seconds, "wrong", f"expected {sorted(case.right)}")


def invalid_rows(inbox_url: str) -> tuple[int, list[str]]:
    """Rows in the inbox and what is wrong with any of them."""
    inbox = open_inbox(inbox_url)
    try:
        rows = inbox.list_events(limit=1_000_000)
    finally:
        inbox.close()
    problems = []
    for row in rows:
        try:
            json.loads(
                row.payload_json,
                parse_constant=lambda name: (_ for _ in ()).throw(ValueError(name)),
            )
        except ValueError as exc:
            problems.append(f"{row.event_id!r}: payload not JSON ({exc})")
        for name in ("event_id", "ordering_key", "correlation_id", "schema_version"):
            value = getattr(row, name)
            if not value.strip() or not value.isprintable() or len(value) > 255:
                problems.append(f"{row.event_id!r}: {name} {value[:40]!r}")
        moment = datetime.fromisoformat(row.occurred_at)
        if moment.tzinfo is None or moment - datetime.now(UTC) > timedelta(days=1):
            problems.append(f"{row.event_id!r}: occurred_at {row.occurred_at}")
    return len(rows), problems


@dataclass
class CorpusRun:
    """What one run of the corpus found."""

    verdicts: list[Verdict]
    rows: int  # events in the inbox afterwards
    accepted: int  # events answered as accepted (or kept as conflicts)
    problems: list[str]  # what is wrong with rows of the inbox
    forged: list[str]  # log lines a request managed to forge
    exit_code: int  # serve's

    @property
    def failed(self) -> bool:
        """Anything wrong at all."""
        wrong = any(v.judgement == "wrong" for v in self.verdicts)
        return bool(
            wrong or self.problems or self.forged or self.rows != self.accepted or self.exit_code
        )

    def summary(self) -> dict[str, int | bool]:
        """The counts ``--report-json`` writes."""
        judgements = Counter(v.judgement for v in self.verdicts)
        return {
            "requests": len(self.verdicts),
            "right": judgements["right"],
            "questionable": judgements["questionable"],
            "wrong": judgements["wrong"],
            "server_errors": sum(1 for v in self.verdicts if v.status and v.status >= 500),
            "no_answer": sum(1 for v in self.verdicts if v.status is None),
            "rows_stored": self.rows,
            "events_accepted": self.accepted,
            "invalid_rows": len(self.problems),
            "forged_log_lines": len(self.forged),
            "serve_exit_code": self.exit_code,
            "failed": self.failed,
        }


def run_corpus(slow: float, workdir: Path) -> CorpusRun:
    """Send the whole corpus to a fresh ``serve`` (its inbox and log in ``workdir``) and
    judge the answers, the inbox and the log."""
    inbox_url = f"sqlite:///{workdir}/inbox.sqlite3"
    env = {
        "PYTHONPATH": str(ROOT / "bridge"),
        "LOGISTICS_BRIDGE_INBOX_URL": inbox_url,
        "LOGISTICS_BRIDGE_LISTEN_HOST": "127.0.0.1",
        "LOGISTICS_BRIDGE_LISTEN_PORT": "0",
        "LOGISTICS_BRIDGE_MAX_BODY_BYTES": str(MAX_BODY),
        "LOGISTICS_BRIDGE_ENDPOINTS": json.dumps({"acme": [SECRET], **FORMAT_ENDPOINTS}),
    }
    command = [sys.executable, "-m", "logistics_bridge", "serve", "--no-forward"]
    process = ManagedProcess("bridge", command, workdir / "serve.log", env)
    process.start()
    verdicts: list[Verdict] = []
    try:
        port = int(process.wait_output(LISTENING_LINE, 30).group(1))
        for case in build_corpus():
            started = time.perf_counter()
            answer = raw_exchange(port, case.raw, timeout=max(5.0, slow * 3))
            verdicts.append(judge(case, answer, time.perf_counter() - started, slow))
    finally:
        exit_code = process.stop(30)
    rows, problems = invalid_rows(inbox_url)
    # A 409 keeps its conflicting events for review: rows like accepted ones.
    accepted = sum(v.case.accepted_events for v in verdicts if v.status in (202, 409))
    log_text = (workdir / "serve.log").read_text(encoding="utf-8", errors="replace")
    forged = [
        line for line in log_text.splitlines() if "ERROR forged" in line and "refused" not in line
    ]
    return CorpusRun(verdicts, rows, accepted, problems, forged, exit_code)


def print_report(found: CorpusRun, verbose: bool) -> None:
    """The table by category, then every case that was not right (all with ``verbose``)."""
    verdicts = found.verdicts
    summary = found.summary()
    print(
        f"hostile corpus: {len(verdicts)} requests against logistics-bridge serve "
        f"(max_body_bytes {MAX_BODY})"
    )
    print(
        f"{'category':<10} {'requests':>8} {'right':>6} {'questionable':>12} {'wrong':>6}"
        f"  {'slowest':>8}"
    )
    for category in dict.fromkeys(v.case.category for v in verdicts):
        group = [v for v in verdicts if v.case.category == category]
        counts = Counter(v.judgement for v in group)
        print(
            f"{category:<10} {len(group):>8} {counts['right']:>6} {counts['questionable']:>12} "
            f"{counts['wrong']:>6}  {max(v.seconds for v in group) * 1000:>6.1f}ms"
        )
    statuses = Counter(v.status for v in verdicts)
    print(
        f"{'total':<10} {len(verdicts):>8} {summary['right']:>6} {summary['questionable']:>12} "
        f"{summary['wrong']:>6}"
    )
    print(
        "answers by status: "
        + ", ".join(f"{status}: {count}" for status, count in sorted(statuses.items(), key=str))
    )
    worst = max(verdicts, key=lambda v: v.seconds)
    print(f"slowest request: {worst.case.category}/{worst.case.name} {worst.seconds * 1000:.1f} ms")
    print(f"5xx answers: {summary['server_errors']}; no answer: {summary['no_answer']}")
    print(
        f"inbox: {found.rows} events stored, {found.accepted} answered as accepted, "
        f"{len(found.problems)} invalid; forged log lines: {len(found.forged)}; "
        f"serve exited with {found.exit_code}"
    )
    for verdict in verdicts:
        if verdict.judgement != "right" or verbose:
            print(
                f"  {verdict.judgement:<12} {verdict.case.category}/{verdict.case.name}: "
                f"{verdict.status} {verdict.why}"
            )
    for problem in found.problems:
        print(f"  invalid row {problem}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--slow", type=float, default=1.0, help="seconds above which a request is wrong"
    )
    parser.add_argument("--verbose", action="store_true", help="list every case, right ones too")
    parser.add_argument(
        "--report-json", type=Path, help="also write the counts of the summary to this file"
    )
    args = parser.parse_args()
    interrupt_on_sigterm()
    with tempfile.TemporaryDirectory(prefix="lgx-hostile-") as workdir:
        found = run_corpus(args.slow, Path(workdir))
    print_report(found, args.verbose)
    if args.report_json is not None:
        args.report_json.write_text(json.dumps(found.summary(), indent=2) + "\n")
    return 1 if found.failed else 0


if __name__ == "__main__":
    sys.exit(main())
