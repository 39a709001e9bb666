"""docs/openapi.yaml against a live ``logistics-bridge serve`` (schemathesis, bounded):
no 5xx, documented status codes, content types and response schemas, for generated valid
(authenticated) and invalid requests — tms-event envelopes, json documents and X12
interchanges, each sent to an endpoint of its format."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import pytest
import requests
import schemathesis
from conftest import SECRET_A, signed_headers
from hypothesis import HealthCheck, settings
from logistics_contract.master_data import is_notification
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from test_durability import start_serve

OPENAPI = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
# /v1/in/<endpoint> and its alias, the original /v1/tms/<endpoint>/events.
EVENTS_PATHS = ("/v1/in/{endpoint}", "/v1/tms/{endpoint}/events")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

X12 = "application/edi-x12"
# One endpoint per format besides acme (tms-event, Standard Webhooks).
ENDPOINTS = {
    "docs": {"format": "json", "auth": {"scheme": "token", "secrets": ["openapi-token"]}},
    "edi": {"format": "x12-214", "auth": {"scheme": "basic", "secrets": ["edi:openapi-pw"]}},
}
AUTHORIZATION = {
    "docs": "Bearer openapi-token",
    "edi": "Basic " + base64.b64encode(b"edi:openapi-pw").decode(),
}


@schemathesis.serializer(X12)
def _x12_text(_context, value) -> dict:
    """X12 text as sent: a string as UTF-8; whatever else a negative case holds, as JSON text."""
    if isinstance(value, bytes):
        return {"data": value}
    text = value if isinstance(value, str) else json.dumps(value)
    return {"data": text.encode("utf-8", "surrogatepass")}


schema = schemathesis.openapi.from_path(OPENAPI)
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])


@pytest.fixture(scope="module")
def live_url(tmp_path_factory):
    """``logistics-bridge serve --no-forward`` in its own process on a free loopback port."""
    process, url = start_serve(
        tmp_path_factory.mktemp("openapi-live"), None, "serve.log", endpoints=ENDPOINTS
    )
    try:
        yield url
    finally:
        assert process.stop(30) == 0, process.tail()


def _is_for_tms_endpoint(document) -> bool:
    """Envelopes and the master data change notification go to a tms-event endpoint."""
    if is_notification(document):
        return True
    items = document if isinstance(document, list) else [document]
    return bool(items) and all(isinstance(item, dict) and "event_type" in item for item in items)


def transport(case, base_url: str) -> dict:
    """The request to send; a valid body is sent authenticated, to an endpoint of its format
    (envelopes and master data notifications to acme, other JSON documents to docs, X12 to
    edi), so that it reaches validation and storage instead of stopping at authentication."""
    positive = case.meta.generation.mode == GenerationMode.POSITIVE
    events = case.operation.path in EVENTS_PATHS
    target = None
    if events and positive:
        if case.media_type in (X12, "text/plain"):
            target = "edi"
        elif not _is_for_tms_endpoint(case.body):
            target = "docs"
        case.path_parameters["endpoint"] = target or "acme"
    kwargs = case.as_transport_kwargs(base_url=base_url)
    if target is not None:
        kwargs["headers"]["Authorization"] = AUTHORIZATION[target]
    elif "json" in kwargs and events:
        body = json.dumps(kwargs.pop("json"))
        kwargs["data"] = body.encode()
        if positive:
            kwargs["headers"].update(signed_headers(body, SECRET_A, timestamp=time.time()))
    return kwargs


@schema.parametrize()
@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_live_bridge_conforms_to_openapi(case, live_url):
    kwargs = transport(case, live_url)
    response = requests.request(**kwargs, timeout=10)
    # /readyz answers its documented 503 here: this bridge has no Odoo to probe.
    checks = CHECKS[1:] if case.operation.path == "/readyz" else CHECKS
    case.validate_response(response, checks=checks, transport_kwargs=kwargs)


@pytest.mark.parametrize("endpoint", ["acme", "docs", "edi"])
def test_generated_valid_events_reached_the_inbox(live_url, endpoint):
    """Runs after the schemathesis test (file order): its valid events of every format were
    stored, so the run exercised storage, not only the refusals."""
    metrics = requests.get(f"{live_url}/metrics", timeout=10).text
    accepted = [
        line
        for line in metrics.splitlines()
        if line.startswith("logistics_bridge_events_accepted_total{")
        and f'endpoint="{endpoint}"' in line
    ]
    assert accepted and float(accepted[0].split()[-1]) > 0, metrics
