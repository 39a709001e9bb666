"""Wire tests of every authentication scheme on a real bridge on 127.0.0.1.

Each scheme: good, wrong secret, the second (rotated) secret, missing header, and for
timestamped HMAC a stale timestamp. Shapes follow wire-facts.md: EasyPost's
``X-Hmac-Signature: hmac-sha256-hex=<hex>``, Shopify's base64 ``X-Shopify-Hmac-SHA256``,
a Stripe-like ``<timestamp>.<body>`` signature.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
import requests
from conftest import (
    SECRET_A,
    SECRET_B,
    RunningBridge,
    bridge_settings,
    signed_headers,
    start_bridge,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from logistics_bridge import auth
from logistics_bridge.config import load_settings
from logistics_bridge.endpoints import HmacAuth
from logistics_bridge.exceptions import ConfigError
from logistics_contract.recipes import Secret
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

BODY = json.dumps({"id": "evt_auth_1", "result": {"tracking_code": "TRK-1"}}).encode()
JSON = {"Content-Type": "application/json"}


def _hmac(secret: str, content: bytes, algorithm: str = "sha256") -> bytes:
    return hmac.new(secret.encode(), content, algorithm).digest()


def easypost_headers(secret: str) -> dict[str, str]:
    return {"X-Hmac-Signature": "hmac-sha256-hex=" + _hmac(secret, BODY).hex()}


def shopify_headers(secret: str) -> dict[str, str]:
    return {"X-Shopify-Hmac-SHA256": base64.b64encode(_hmac(secret, BODY)).decode()}


def stamped_headers(secret: str, at: float | None = None) -> dict[str, str]:
    stamp = str(int(time.time() if at is None else at))
    signature = _hmac(secret, stamp.encode() + b"." + BODY, "sha512").hex()
    return {"X-Signature": signature, "X-Signature-Timestamp": stamp}


def basic_headers(secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(secret.encode()).decode()}


def bearer_headers(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def api_key_headers(secret: str) -> dict[str, str]:
    return {"X-Api-Key": secret}


def standard_headers(secret: str) -> dict[str, str]:
    return signed_headers(BODY, secret)


ENDPOINTS = {
    "easypost": {
        "format": "json",
        "event_id_path": "id",
        "auth": {
            "scheme": "hmac",
            "header": "X-Hmac-Signature",
            "prefix": "hmac-sha256-hex=",
            "secrets": ["ep-new", "ep-old"],
        },
    },
    "shopify": {
        "format": "json",
        "auth": {
            "scheme": "hmac",
            "header": "X-Shopify-Hmac-SHA256",
            "encoding": "base64",
            "secrets": ["sh-new", "sh-old"],
        },
    },
    "stamped": {
        "format": "json",
        "auth": {
            "scheme": "hmac",
            "header": "X-Signature",
            "algorithm": "sha512",
            "timestamp_header": "X-Signature-Timestamp",
            "tolerance_seconds": 120,
            "secrets": ["st-new", "st-old"],
        },
    },
    "basic": {
        "format": "json",
        "auth": {"scheme": "basic", "secrets": ["edi:pw-new", "edi:pw-old"]},
    },
    "bearer": {"format": "json", "auth": {"scheme": "token", "secrets": ["tok-new", "tok-old"]}},
    "apikey": {
        "format": "json",
        "auth": {"scheme": "token", "header": "X-Api-Key", "secrets": ["key-new", "key-old"]},
    },
    "webhooks": {"format": "json", "auth": {"secrets": [SECRET_A, SECRET_B]}},
}

Sign = Callable[[str], dict[str, str]]
SCHEMES: dict[str, tuple[Sign, str, str, str]] = {
    # endpoint: (signer, first secret, second secret, header that carries the credentials)
    "easypost": (easypost_headers, "ep-new", "ep-old", "X-Hmac-Signature"),
    "shopify": (shopify_headers, "sh-new", "sh-old", "X-Shopify-Hmac-SHA256"),
    "stamped": (stamped_headers, "st-new", "st-old", "X-Signature"),
    "basic": (basic_headers, "edi:pw-new", "edi:pw-old", "Authorization"),
    "bearer": (bearer_headers, "tok-new", "tok-old", "Authorization"),
    "apikey": (api_key_headers, "key-new", "key-old", "X-Api-Key"),
    "webhooks": (standard_headers, SECRET_A, SECRET_B, "webhook-signature"),
}


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBridge]:
    settings = bridge_settings(tmp_path_factory.mktemp("auth"), endpoints=ENDPOINTS)
    running = start_bridge(settings)
    yield running
    running.service.shutdown()


def send(bridge: RunningBridge, endpoint: str, headers: dict[str, str]) -> requests.Response:
    return requests.post(bridge.events_url(endpoint), data=BODY, headers=JSON | headers, timeout=10)


@pytest.mark.parametrize("endpoint", sorted(SCHEMES))
def test_good_and_rotated_secret_accepted(sources, endpoint):
    sign, first, second, _header = SCHEMES[endpoint]
    answer = send(sources, endpoint, sign(first))
    assert answer.status_code in (200, 202), answer.text
    again = send(sources, endpoint, sign(second))
    assert again.status_code == 200, again.text
    assert again.json()["status"] == "duplicate"


@pytest.mark.parametrize("endpoint", sorted(SCHEMES))
def test_wrong_secret_401(sources, endpoint):
    sign, first, _second, _header = SCHEMES[endpoint]
    wrong = "edi:wrong" if endpoint == "basic" else first.replace("new", "bad")
    if endpoint == "webhooks":
        wrong = "whsec_" + base64.b64encode(b"another-secret-0123456789").decode()
    answer = send(sources, endpoint, sign(wrong))
    assert answer.status_code == 401
    assert answer.json()["error"] in ("invalid_credentials", "invalid_signature")


@pytest.mark.parametrize("endpoint", sorted(SCHEMES))
def test_missing_header_401(sources, endpoint):
    sign, first, _second, header = SCHEMES[endpoint]
    headers = {k: v for k, v in sign(first).items() if k.lower() != header.lower()}
    answer = send(sources, endpoint, headers)
    assert answer.status_code == 401
    assert answer.json()["error"] in ("missing_credentials", "missing_signature")
    assert header.lower() in answer.json()["message"].lower()


def test_basic_refusal_carries_a_challenge(sources):
    answer = send(sources, "basic", {})
    assert answer.headers["WWW-Authenticate"] == 'Basic realm="logistics-bridge"'


def test_hmac_tampered_body_401(sources):
    headers = JSON | easypost_headers("ep-new")
    answer = requests.post(
        sources.events_url("easypost"), data=BODY + b" ", headers=headers, timeout=10
    )
    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_credentials"


def test_hmac_stale_timestamp_401(sources):
    answer = send(sources, "stamped", stamped_headers("st-new", time.time() - 600))
    assert answer.status_code == 401
    assert answer.json()["error"] == "timestamp_out_of_window"
    assert "120s" in answer.json()["message"]


def test_hmac_missing_timestamp_401(sources):
    headers = stamped_headers("st-new")
    del headers["X-Signature-Timestamp"]
    answer = send(sources, "stamped", headers)
    assert answer.status_code == 401
    assert answer.json()["message"] == "X-Signature-Timestamp header is required"


def test_hmac_wrong_prefix_401(sources):
    headers = {"X-Hmac-Signature": "sha256=" + _hmac("ep-new", BODY).hex()}
    answer = send(sources, "easypost", headers)
    assert answer.status_code == 401
    assert "hmac-sha256-hex=" in answer.json()["message"]


def test_every_secret_compared_in_constant_time(monkeypatch):
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(left: bytes, right: bytes) -> bool:
        calls.append((left, right))
        return real(left, right)

    monkeypatch.setattr(auth.hmac, "compare_digest", spy)
    settings = HmacAuth(scheme="hmac", header="X-Sig", secrets=["one", "two"])
    verifier = auth.HmacVerifier(settings)
    verifier.verify(BODY, {"x-sig": _hmac("one", BODY).hex()})
    assert len(calls) == 2  # the second secret is compared even after the first matched


def test_sha1_needs_allow_sha1():
    hmac_sha1 = {"scheme": "hmac", "header": "X-Sig", "algorithm": "sha1", "secrets": ["s"]}
    with pytest.raises(ConfigError, match="endpoints.legacy.auth.hmac.algorithm.*allow_sha1"):
        load_settings(None, endpoints={"legacy": {"format": "json", "auth": hmac_sha1}})
    allowed = load_settings(
        None, endpoints={"legacy": {"format": "json", "auth": hmac_sha1 | {"allow_sha1": True}}}
    )
    signature = hmac.new(b"s", BODY, hashlib.sha1).hexdigest()
    verifier = auth.build_verifier(allowed.endpoints["legacy"].auth, 300)
    verifier.verify(BODY, {"x-sig": signature})


@pytest.mark.parametrize("stamp", ["9" * 400, "-" + "9" * 400, "+1700000000"])
def test_hmac_hostile_timestamp_401_not_500(sources, stamp):
    headers = stamped_headers("st-new") | {"X-Signature-Timestamp": stamp}
    answer = send(sources, "stamped", headers)
    assert answer.status_code == 401


# -- Standard Webhooks: the bridge's verification against the library's ------------------
@settings(max_examples=150, deadline=None)
@given(
    msg_id=st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=40),
    body=st.text(max_size=200),
    skew=st.integers(min_value=-290, max_value=290),
    signer=st.sampled_from([SECRET_A, SECRET_B]),
    tamper=st.sampled_from(["none", "body", "id", "timestamp", "signature", "version"]),
    padded_timestamp=st.booleans(),
)
def test_signature_verifier_agrees_with_the_standardwebhooks_library(
    msg_id, body, skew, signer, tamper, padded_timestamp
):
    """The bridge computes the Standard Webhooks signature itself (one HMAC per secret on
    the hot path); whatever is sent, it accepts exactly what the library accepts."""
    now = time.time()
    sent_at = int(now) + skew
    signature = Webhook(signer).sign(msg_id, datetime.fromtimestamp(sent_at, UTC), body)
    timestamp = ("00" if padded_timestamp else "") + str(sent_at)
    headers = {"webhook-id": msg_id, "webhook-timestamp": timestamp}
    headers["webhook-signature"] = {
        "signature": signature[:-4] + ("AAA=" if signature[-4:] != "AAA=" else "BBB="),
        "version": "v2" + signature[2:],
    }.get(tamper, signature)
    sent_body = body + "x" if tamper == "body" else body
    if tamper == "id":
        headers["webhook-id"] = msg_id + "x"
    if tamper == "timestamp":
        headers["webhook-timestamp"] = str(sent_at + 1)
    verifier = auth.SignatureVerifier([Secret(value=SECRET_A)], tolerance_seconds=300)
    try:
        verifier.verify(sent_body.encode(), headers, now=now)
        bridge_accepts = True
    except auth.SignatureInvalid:
        bridge_accepts = False
    try:
        Webhook(SECRET_A).verify(sent_body, headers, json_parse=False)
        library_accepts = True
    except WebhookVerificationError:
        library_accepts = False
    assert bridge_accepts == library_accepts
    assert bridge_accepts == (signer == SECRET_A and tamper == "none")
