"""The general ``signature`` recipe and recipe lists, on a real bridge on 127.0.0.1.

Each endpoint below is configured the way a known sender signs (see
docs/auth-recipes.md and wire-facts): GitHub's ``X-Hub-Signature-256: sha256=<hex>``,
Stripe's ``t=…,v1=…`` list, Shopify's base64 HMAC, Mailgun's signature fields inside the
JSON body, Square's HMAC over the notification URL and the body, a plain
``sha256(body + secret)``, RSA (PKCS#1 v1.5 and PSS) over ``<ms timestamp>.<body>``,
ECDSA P-256 with DER and raw signatures, and Ed25519 keys published as a JWKS that is
rotated while the bridge runs. Keys are generated here; the JWKS is served by a real
``http.server``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests
from conftest import SECRET_A, RunningBridge, bridge_settings, send_json, start_bridge
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from logistics_bridge.auth import build_verifier
from logistics_bridge.config import find_problems, load_settings
from logistics_bridge.exceptions import (
    CredentialsInvalid,
    SigningKeysUnavailable,
)
from logistics_bridge.jwks import JwksKeys
from logistics_contract.endpoint import InboundEndpoint
from logistics_contract.recipes import recipe_problems
from logistics_contract.registry import Registry

PUBLIC_BASE_URL = "https://hooks.example.com/logistics"
JSON = {"Content-Type": "application/json"}
PAST = (datetime.now(UTC) - timedelta(days=1)).isoformat()
FUTURE = (datetime.now(UTC) + timedelta(days=30)).isoformat()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _pem(private_key: Any) -> str:
    return (
        private_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def _hmac(key: bytes | str, content: bytes, digest: str = "sha256") -> bytes:
    return hmac.new(key.encode() if isinstance(key, str) else key, content, digest).digest()


def new_body(**extra: Any) -> bytes:
    return json.dumps({"id": f"evt_{uuid.uuid4().hex}", "status": "delivered", **extra}).encode()


class Jwks:
    """A JWKS endpoint on 127.0.0.1 whose key set the test replaces (a rotation)."""

    def __init__(self) -> None:
        self.keys: list[dict[str, str]] = []
        self.fetches = 0
        jwks = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                jwks.fetches += 1
                send_json(self, 200, {"keys": jwks.keys})

            def log_message(self, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/.well-known/jwks.json"

    @staticmethod
    def ed25519_jwk(kid: str, private_key: ed25519.Ed25519PrivateKey) -> dict[str, str]:
        raw = private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return {"kty": "OKP", "crv": "Ed25519", "x": _b64url(raw), "kid": kid, "use": "sig"}


RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
RSA_OTHER = rsa.generate_private_key(public_exponent=65537, key_size=2048)
RSA_STRANGER = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())
ED_KEY_1 = ed25519.Ed25519PrivateKey.generate()
ED_KEY_2 = ed25519.Ed25519PrivateKey.generate()


def endpoints(jwks_url: str) -> dict[str, Any]:
    def json_endpoint(**auth: Any) -> dict[str, Any]:
        return {"format": "json", "event_id_path": "id", "auth": {"scheme": "signature", **auth}}

    rsa_recipe = {
        "signature_header": "X-Webhook-Signature",
        "signature_format": "list",
        "signature_key": "v0",
        "timestamp_key": "t",
        "timestamp_unit": "ms",
        "signed_template": "{timestamp}.{body}",
        "signature_encoding": "base64",
        "secrets": [_pem(RSA_OTHER), _pem(RSA_KEY)],
    }
    return {
        "github": json_endpoint(
            signature_header="X-Hub-Signature-256",
            signature_prefix="sha256=",
            delivery_id_header="X-GitHub-Delivery",
            secrets=["gh-secret"],
        ),
        "stripe": json_endpoint(
            signature_header="Stripe-Signature",
            signature_format="list",
            timestamp_key="t",
            signed_template="{timestamp}.{body}",
            secrets=["whsec_c3RyaXBlLW5ldw==", "whsec_c3RyaXBlLW9sZA=="],
            key_encoding="whsec",
        ),
        "shopify": json_endpoint(
            signature_header="X-Shopify-Hmac-Sha256",
            signature_encoding="base64",
            secrets=["shpss_new"],
        ),
        "mailgun": json_endpoint(
            signature_body_field="signature.signature",
            timestamp_body_field="signature.timestamp",
            signed_template="{field:signature.timestamp}{field:signature.token}",
            secrets=["key-mailgun"],
        ),
        "square": json_endpoint(
            signature_header="X-Square-Hmacsha256-Signature",
            signed_template="{url}{body}",
            signature_encoding="base64",
            secrets=["sq-signature-key"],
        ),
        "shippie": json_endpoint(
            signature_header="X-Shippie-Signature",
            algorithm="hmac-sha512",
            key_encoding="hex",
            secrets=["00ff10ab"],
        ),
        "bodyhash": json_endpoint(
            signature_header="X-Body-Hash",
            algorithm="sha256",
            signed_template="{body}{secret}",
            secrets=["hash-secret"],
        ),
        "rsa": json_endpoint(algorithm="rsa-sha256", **rsa_recipe),
        "rsapss": json_endpoint(algorithm="rsa-pss-sha256", **rsa_recipe),
        "ecdsa": json_endpoint(
            signature_header="X-Signature",
            algorithm="ecdsa-sha256",
            signature_encoding="base64",
            secrets=[_pem(EC_KEY)],
        ),
        "jwks": json_endpoint(
            signature_header="X-Signature",
            timestamp_header="X-Timestamp",
            signed_template="{timestamp}.{body}",
            algorithm="ed25519",
            signature_encoding="base64",
            jwks_url=jwks_url,
            key_id_header="X-Key-Id",
            jwks_cache_seconds=3600,
        ),
        "cutover": {
            "format": "json",
            "event_id_path": "id",
            "auth": [
                {"scheme": "basic", "secrets": ["carrier:old-password"]},
                {"scheme": "hmac", "header": "X-Hmac-Signature", "secrets": ["new-hmac-key"]},
            ],
        },
        "expiring": {
            "format": "json",
            "auth": {
                "scheme": "hmac",
                "header": "X-Signature",
                "secrets": [
                    {"value": "expired-key", "expires_at": PAST},
                    {"value": "current-key", "expires_at": FUTURE},
                ],
            },
        },
    }


@pytest.fixture(scope="module")
def jwks() -> Iterator[Jwks]:
    server = Jwks()
    server.keys = [Jwks.ed25519_jwk("key-1", ED_KEY_1)]
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture(scope="module")
def senders(tmp_path_factory: pytest.TempPathFactory, jwks: Jwks) -> Iterator[RunningBridge]:
    settings = bridge_settings(
        tmp_path_factory.mktemp("recipes"),
        endpoints=endpoints(jwks.url),
        public_base_url=PUBLIC_BASE_URL,
    )
    assert find_problems(settings, need_odoo=False) == []
    running = start_bridge(settings)
    yield running
    running.service.shutdown()


def post(bridge: RunningBridge, endpoint: str, body: bytes, headers: dict[str, str]):
    return requests.post(bridge.events_url(endpoint), data=body, headers=JSON | headers, timeout=10)


def assert_refused(answer: requests.Response, error: str) -> None:
    assert answer.status_code == 401, answer.text
    assert answer.json()["error"] == error


def test_github_prefixed_hex_header(senders):
    body = new_body()
    signature = "sha256=" + _hmac("gh-secret", body).hex()
    headers = {"X-Hub-Signature-256": signature, "X-GitHub-Delivery": str(uuid.uuid4())}
    assert post(senders, "github", body, headers).status_code == 202
    wrong = "sha256=" + _hmac("other", body).hex()
    assert_refused(
        post(senders, "github", body, headers | {"X-Hub-Signature-256": wrong}),
        "invalid_credentials",
    )
    tampered = body.replace(b"delivered", b"returned")
    assert_refused(post(senders, "github", tampered, headers), "invalid_credentials")
    unprefixed = {"X-Hub-Signature-256": signature.removeprefix("sha256=")}
    answer = post(senders, "github", body, headers | unprefixed)
    assert_refused(answer, "invalid_credentials")
    assert "sha256=" in answer.json()["message"]
    assert_refused(post(senders, "github", body, {}), "missing_credentials")


def test_delivery_id_is_returned_and_required():
    recipe = {
        "scheme": "signature",
        "signature_header": "X-Hub-Signature-256",
        "signature_prefix": "sha256=",
        "delivery_id_header": "X-GitHub-Delivery",
        "secrets": ["gh-secret"],
    }
    verifier = build_verifier(InboundEndpoint(format="json", auth=recipe).auth, 300)
    body = new_body()
    headers = {"x-hub-signature-256": "sha256=" + _hmac("gh-secret", body).hex()}
    assert verifier.verify(body, headers | {"x-github-delivery": "d-42"}) == "d-42"
    with pytest.raises(CredentialsInvalid, match="X-GitHub-Delivery header is required"):
        verifier.verify(body, headers)


def stripe_headers(body: bytes, secret: bytes, at: float | None = None) -> dict[str, str]:
    stamp = str(int(time.time() if at is None else at))
    good = _hmac(secret, stamp.encode() + b"." + body).hex()
    # Stripe sends one v1 per active secret; one that matches is enough.
    return {"Stripe-Signature": f"t={stamp},v1={'0' * 64},v1={good},v0=legacy"}


def test_stripe_list_with_timestamp_and_rotation(senders):
    body = new_body()
    for secret in (b"stripe-new", b"stripe-old"):  # the whsec_ secrets, base64-decoded
        assert post(senders, "stripe", body, stripe_headers(body, secret)).status_code in (200, 202)
    stale = stripe_headers(body, b"stripe-new", time.time() - 301)
    assert_refused(post(senders, "stripe", body, stale), "timestamp_out_of_window")
    no_v1 = {"Stripe-Signature": f"t={int(time.time())},v0=abc"}
    answer = post(senders, "stripe", body, no_v1)
    assert_refused(answer, "invalid_credentials")
    assert "no v1 signature" in answer.json()["message"]
    stamp = int(time.time())
    signature = _hmac(b"stripe-new", f"{stamp}.".encode() + body).hex()
    moved = {"Stripe-Signature": f"t={stamp - 1},v1={signature}"}
    # The timestamp is signed: moving it breaks the match.
    assert_refused(post(senders, "stripe", body, moved), "invalid_credentials")


def test_shopify_base64_header(senders):
    body = new_body()
    headers = {"X-Shopify-Hmac-Sha256": _b64(_hmac("shpss_new", body))}
    assert post(senders, "shopify", body, headers).status_code == 202
    hex_instead = {"X-Shopify-Hmac-Sha256": _hmac("shpss_new", body).hex()}
    assert_refused(post(senders, "shopify", body, hex_instead), "invalid_credentials")


def mailgun_body(key: str, timestamp: int, token: str | None = None) -> dict[str, Any]:
    token = token or uuid.uuid4().hex
    signed = f"{timestamp}{token}".encode()
    return {
        "signature": {
            "timestamp": str(timestamp),
            "token": token,
            "signature": _hmac(key, signed).hex(),
        },
        "event-data": {"event": "delivered", "id": uuid.uuid4().hex},
    }


def test_mailgun_signature_in_body_fields(senders):
    document = mailgun_body("key-mailgun", int(time.time()))
    body = json.dumps({"id": uuid.uuid4().hex, **document}).encode()
    assert post(senders, "mailgun", body, {}).status_code == 202
    document["signature"]["token"] = "f" * 50  # the token is signed
    assert_refused(
        post(senders, "mailgun", json.dumps(document).encode(), {}), "invalid_credentials"
    )
    stale = mailgun_body("key-mailgun", int(time.time()) - 3600)
    assert_refused(
        post(senders, "mailgun", json.dumps(stale).encode(), {}), "timestamp_out_of_window"
    )
    unsigned = json.dumps({"event-data": {"event": "delivered"}}).encode()
    answer = post(senders, "mailgun", unsigned, {})
    assert_refused(answer, "missing_credentials")
    assert "signature.signature" in answer.json()["message"]


def test_square_signs_the_public_url_and_body(senders):
    body = new_body()
    url = f"{PUBLIC_BASE_URL}/v1/in/square"
    headers = {
        "X-Square-Hmacsha256-Signature": _b64(_hmac("sq-signature-key", url.encode() + body))
    }
    assert post(senders, "square", body, headers).status_code == 202
    other_url = f"{PUBLIC_BASE_URL}/v1/in/github".encode() + body
    wrong = {"X-Square-Hmacsha256-Signature": _b64(_hmac("sq-signature-key", other_url))}
    assert_refused(post(senders, "square", body, wrong), "invalid_credentials")


def test_url_recipe_needs_public_base_url(tmp_path):
    recipe = {
        "scheme": "signature",
        "signature_header": "X-Square-Hmacsha256-Signature",
        "signed_template": "{url}{body}",
        "secrets": ["k"],
    }
    settings = load_settings(None, endpoints={"square": {"format": "json", "auth": recipe}})
    assert (
        "endpoints.square.auth.signed_template: uses {url}, but the bridge setting"
        " public_base_url is not set"
    ) in find_problems(settings, need_odoo=False)


def test_hex_key_and_hmac_sha512(senders):
    body = new_body()
    headers = {"X-Shippie-Signature": _hmac(bytes.fromhex("00ff10ab"), body, "sha512").hex()}
    assert post(senders, "shippie", body, headers).status_code == 202
    as_text = {"X-Shippie-Signature": _hmac("00ff10ab", body, "sha512").hex()}
    assert_refused(post(senders, "shippie", body, as_text), "invalid_credentials")


def test_plain_sha256_of_body_and_secret(senders):
    body = new_body()
    headers = {"X-Body-Hash": hashlib.sha256(body + b"hash-secret").hexdigest()}
    assert post(senders, "bodyhash", body, headers).status_code == 202
    # Without the secret anyone could compute it: that must not pass.
    assert_refused(
        post(senders, "bodyhash", body, {"X-Body-Hash": hashlib.sha256(body).hexdigest()}),
        "invalid_credentials",
    )


def rsa_headers(body: bytes, key: rsa.RSAPrivateKey, pss: bool, at_ms: int | None = None):
    stamp = str(int(time.time() * 1000) if at_ms is None else at_ms)
    scheme = (
        padding.PSS(padding.MGF1(hashes.SHA256()), padding.PSS.DIGEST_LENGTH)
        if pss
        else padding.PKCS1v15()
    )
    signature = key.sign(stamp.encode() + b"." + body, scheme, hashes.SHA256())
    return {"X-Webhook-Signature": f"t={stamp},v0={_b64(signature)}"}


@pytest.mark.parametrize(("endpoint", "pss"), [("rsa", False), ("rsapss", True)])
def test_rsa_with_millisecond_timestamp(senders, endpoint, pss):
    for key in (RSA_KEY, RSA_OTHER):  # both configured public keys verify
        body = new_body()
        assert post(senders, endpoint, body, rsa_headers(body, key, pss)).status_code == 202
    # A key that is not configured, the other padding, a stale timestamp: refused.
    stranger = rsa_headers(body, RSA_STRANGER, pss)
    assert_refused(post(senders, endpoint, body, stranger), "invalid_credentials")
    other_padding = rsa_headers(body, RSA_KEY, not pss)
    assert_refused(post(senders, endpoint, body, other_padding), "invalid_credentials")
    stale = rsa_headers(body, RSA_KEY, pss, int(time.time() * 1000) - 301_000)
    assert_refused(post(senders, endpoint, body, stale), "timestamp_out_of_window")


@pytest.mark.parametrize("encoding", ["der", "raw"])
def test_ecdsa_der_and_raw_signatures(senders, encoding):
    body = new_body()
    der = EC_KEY.sign(body, ec.ECDSA(hashes.SHA256()))
    if encoding == "raw":
        r, s = decode_dss_signature(der)
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    else:
        signature = der
    assert post(senders, "ecdsa", body, {"X-Signature": _b64(signature)}).status_code == 202
    other = ec.generate_private_key(ec.SECP256R1()).sign(body, ec.ECDSA(hashes.SHA256()))
    assert_refused(
        post(senders, "ecdsa", body, {"X-Signature": _b64(other)}), "invalid_credentials"
    )
    assert_refused(
        post(senders, "ecdsa", body, {"X-Signature": _b64(b"\x30" + b"\x00" * 70)}),
        "invalid_credentials",
    )


def ed25519_headers(body: bytes, kid: str, key: ed25519.Ed25519PrivateKey) -> dict[str, str]:
    stamp = str(int(time.time()))
    signature = key.sign(stamp.encode() + b"." + body)
    return {"X-Signature": _b64(signature), "X-Timestamp": stamp, "X-Key-Id": kid}


def test_ed25519_from_jwks_with_key_rotation(senders, jwks):
    body = new_body()
    assert post(senders, "jwks", body, ed25519_headers(body, "key-1", ED_KEY_1)).status_code == 202
    assert jwks.fetches == 1
    # Cached for jwks_cache_seconds: a known key id does not fetch again.
    body = new_body()
    assert post(senders, "jwks", body, ed25519_headers(body, "key-1", ED_KEY_1)).status_code == 202
    assert jwks.fetches == 1

    # The sender rotates: key-2 replaces key-1. Its first request refetches the set once.
    jwks.keys = [Jwks.ed25519_jwk("key-2", ED_KEY_2)]
    body = new_body()
    assert post(senders, "jwks", body, ed25519_headers(body, "key-2", ED_KEY_2)).status_code == 202
    assert jwks.fetches == 2
    # key-1 left the set with that refetch; a made-up id does not refetch again at once.
    answer = post(senders, "jwks", body, ed25519_headers(body, "key-1", ED_KEY_1))
    assert_refused(answer, "invalid_credentials")
    answer = post(senders, "jwks", body, ed25519_headers(body, "made-up", ED_KEY_2))
    assert_refused(answer, "invalid_credentials")
    assert jwks.fetches == 2
    # The right key id with another key's signature is refused too.
    answer = post(senders, "jwks", body, ed25519_headers(body, "key-2", ED_KEY_1))
    assert_refused(answer, "invalid_credentials")
    # A stale request is refused before any key is looked up.
    stale = {"X-Signature": "AAAA", "X-Timestamp": "1", "X-Key-Id": "other"}
    assert_refused(post(senders, "jwks", body, stale), "timestamp_out_of_window")
    assert jwks.fetches == 2


def test_jwks_cache_expires_and_skips_keys_of_other_types():
    server = Jwks()
    rsa_numbers = RSA_KEY.public_key().public_numbers()
    rsa_jwk = {
        "kty": "RSA",
        "kid": "rsa",
        "n": _b64url(rsa_numbers.n.to_bytes(256, "big")),
        "e": _b64url(rsa_numbers.e.to_bytes(3, "big")),
    }
    server.keys = [rsa_jwk, Jwks.ed25519_jwk("ed", ED_KEY_1)]
    clock = [1000.0]
    keys = JwksKeys(server.url, "ed25519", 60, clock=lambda: clock[0])
    try:
        assert keys.keys("rsa") == []  # an RSA key cannot verify ed25519: skipped
        assert len(keys.keys(None)) == 1
        assert server.fetches == 1  # "rsa" was unknown, but the set was just fetched
        clock[0] += 59
        keys.keys("ed")
        assert server.fetches == 1
        clock[0] += 1
        keys.keys("ed")
        assert server.fetches == 2
    finally:
        server.server.shutdown()
        server.server.server_close()


def test_jwks_unreachable_is_a_503_not_a_401():
    recipe = {
        "scheme": "signature",
        "signature_header": "X-Signature",
        "algorithm": "ed25519",
        "signature_encoding": "base64",
        "jwks_url": "http://127.0.0.1:9/jwks.json",  # discard port: nothing listens
    }
    verifier = build_verifier(InboundEndpoint(format="json", auth=recipe).auth, 300)
    with pytest.raises(SigningKeysUnavailable) as refused:
        verifier.verify(b"{}", {"x-signature": _b64(ED_KEY_1.sign(b"{}"))})
    assert (refused.value.status, refused.value.code) == (503, "signing_keys_unavailable")
    assert ("Retry-After", "10") in refused.value.headers


def test_basic_and_hmac_side_by_side(senders):
    body = new_body()
    basic = {"Authorization": "Basic " + _b64(b"carrier:old-password")}
    signed = {"X-Hmac-Signature": _hmac("new-hmac-key", body).hex()}
    assert post(senders, "cutover", body, basic).status_code == 202
    assert post(senders, "cutover", body, signed).status_code == 200  # same id: a duplicate
    # Nothing sent: the first recipe's refusal, with its Basic challenge.
    answer = post(senders, "cutover", body, {})
    assert_refused(answer, "missing_credentials")
    assert answer.headers["WWW-Authenticate"].startswith("Basic")
    # Only the HMAC was sent, and it is wrong: that recipe's refusal, not "Basic required".
    answer = post(senders, "cutover", body, {"X-Hmac-Signature": "00" * 32})
    assert_refused(answer, "invalid_credentials")
    assert "X-Hmac-Signature" in answer.json()["message"]


def test_expired_secret_ignored(senders):
    body = new_body()
    expired = {"X-Signature": _hmac("expired-key", body).hex()}
    current = {"X-Signature": _hmac("current-key", body).hex()}
    assert_refused(post(senders, "expiring", body, expired), "invalid_credentials")
    assert post(senders, "expiring", body, current).status_code == 202
    # The expiry is checked per request: the current key stops working at its own expiry.
    recipes = InboundEndpoint.model_validate(endpoints("")["expiring"]).auth
    verifier = build_verifier(recipes, 300)
    just_after = datetime.fromisoformat(FUTURE).timestamp() + 1
    verifier.verify(body, {"x-signature": current["X-Signature"]}, now=just_after - 2)
    with pytest.raises(CredentialsInvalid):
        verifier.verify(body, {"x-signature": current["X-Signature"]}, now=just_after)


def test_standard_webhooks_secret_with_expiry_loads_from_toml_shapes():
    endpoint = InboundEndpoint.model_validate(
        {"auth": {"secrets": [SECRET_A, {"value": SECRET_A, "expires_at": FUTURE}]}}
    )
    assert endpoint.format == "tms-event"
    assert [recipe.scheme for recipe in endpoint.auth] == ["standard-webhooks"]
    assert endpoint.auth[0].secrets[1].expires_at == datetime.fromisoformat(FUTURE)
    with pytest.raises(ValueError, match="expires_at"):
        InboundEndpoint.model_validate(
            {"auth": {"secrets": [{"value": SECRET_A, "expires_at": "2030-01-01T00:00:00"}]}}
        )


def test_registry_round_trip_keeps_secrets_only_when_asked():
    registry = Registry.model_validate(
        {
            "version": 42,
            "generated_at": "2026-12-06T21:00:00+00:00",
            "database": "3f1c",
            "endpoints": {"github": endpoints("")["github"], "legacy": [SECRET_A]},
        }
    )
    document = registry.document()
    assert document["endpoints"]["github"]["auth"][0]["secrets"][0]["value"] == "gh-secret"
    assert Registry.model_validate(json.loads(json.dumps(document))) == registry
    assert "gh-secret" not in registry.model_dump_json()
    assert "gh-secret" not in repr(registry)
    with pytest.raises(ValueError, match="endpoint code"):
        Registry.model_validate(document | {"endpoints": {"bad code": [SECRET_A]}})
    with pytest.raises(ValueError, match="without any auth recipe: open"):
        Registry.model_validate(document | {"endpoints": {"open": {"format": "json"}}})


RSA_PEM = _pem(RSA_KEY)
SIGNATURE = {"scheme": "signature", "signature_header": "X-Signature", "secrets": ["hunter2-key"]}
NEVER_MATCHES = {
    "token secret with spaces": ({"scheme": "token", "secrets": [" hunter2 "]}, "secrets[0]"),
    "hmac secret with spaces": (
        {"scheme": "hmac", "header": "X-Sig", "secrets": ["hunter2\n"]},
        "secrets[0]",
    ),
    "header with underscore": (
        {"scheme": "hmac", "header": "X_Signature", "secrets": ["hunter2-key"]},
        "header",
    ),
    "header not a token": (
        {"scheme": "token", "header": "X Api Key", "secrets": ["hunter2-key"]},
        "header",
    ),
    "timestamp header with underscore": (
        SIGNATURE | {"timestamp_header": "X_Timestamp"},
        "timestamp_header",
    ),
    "empty basic user": ({"scheme": "basic", "secrets": [":hunter2"]}, "secrets[0]"),
    "basic secret without colon": ({"scheme": "basic", "secrets": ["hunter2"]}, "secrets[0]"),
    "whsec not base64": ({"secrets": ["whsec_hunter2*"]}, "secrets[0]"),
    "whsec key_encoding not base64": (
        SIGNATURE | {"key_encoding": "whsec", "secrets": ["whsec_hunter2!"]},
        "secrets[0]",
    ),
    "hex key not hex": (SIGNATURE | {"key_encoding": "hex", "secrets": ["hunter2"]}, "secrets[0]"),
    "plain hash without secret": (SIGNATURE | {"algorithm": "sha256"}, "signed_template"),
    "hmac template with secret": (
        SIGNATURE | {"signed_template": "{body}{secret}"},
        "signed_template",
    ),
    "public key without keys": (
        SIGNATURE | {"algorithm": "rsa-sha256", "secrets": []},
        "secrets",
    ),
    "pem that does not load": (
        SIGNATURE | {"algorithm": "ed25519", "secrets": ["-----BEGIN PUBLIC KEY-----\nnope"]},
        "secrets[0]",
    ),
    "pem of another key type": (
        SIGNATURE | {"algorithm": "ed25519", "secrets": [RSA_PEM]},
        "secrets[0]",
    ),
    "list without signature key": (
        SIGNATURE | {"signature_format": "list", "signature_key": ""},
        "signature_key",
    ),
    "timestamp unit without source": (SIGNATURE | {"timestamp_unit": "ms"}, "timestamp_unit"),
    "timestamp placeholder without source": (
        SIGNATURE | {"signed_template": "{timestamp}.{body}"},
        "signed_template",
    ),
    "delivery id placeholder without header": (
        SIGNATURE | {"signed_template": "{delivery_id}.{body}"},
        "signed_template",
    ),
    "no signature source": (
        {"scheme": "signature", "secrets": ["hunter2-key"]},
        "signature_header",
    ),
    "sha1 without allow_sha1": (SIGNATURE | {"algorithm": "hmac-sha1"}, "algorithm"),
    "unknown placeholder": (SIGNATURE | {"signed_template": "{timestmap}"}, "signed_template"),
}


@pytest.mark.parametrize("case", sorted(NEVER_MATCHES))
def test_recipe_problems_name_the_field(case):
    recipe, field = NEVER_MATCHES[case]
    problems = recipe_problems(recipe)
    assert problems, case
    assert any(problem.startswith(f"{field}: ") for problem in problems), problems
    assert not any("hunter2" in problem for problem in problems)


def test_recipe_problems_empty_for_every_configured_sender():
    for code, endpoint in endpoints("https://keys.example.com/jwks.json").items():
        for recipe in InboundEndpoint.model_validate(endpoint).auth:
            assert recipe_problems(recipe) == [], code


def test_check_config_reports_recipe_problems_per_recipe(tmp_path):
    settings = load_settings(
        None,
        endpoints={
            "cutover": {
                "format": "json",
                "auth": [
                    {"scheme": "basic", "secrets": ["carrier:pw"]},
                    {"scheme": "hmac", "header": "X_Sig", "secrets": [" hunter2 "]},
                ],
            }
        },
    )
    problems = find_problems(settings, need_odoo=False)
    assert any(
        p.startswith("endpoints.cutover.auth[1].header: 'X_Sig' contains '_'") for p in problems
    )
    assert any(p.startswith("endpoints.cutover.auth[1].secrets[0]: has leading") for p in problems)
    assert not any(p.startswith("endpoints.cutover.auth[0]") for p in problems)
    assert not any("hunter2" in p for p in problems)
