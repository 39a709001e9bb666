"""docs/openapi.yaml against a live ``logistics-bridge serve`` (schemathesis, bounded):
no 5xx, documented status codes, content types and response schemas, for generated valid
(signed) and invalid requests."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import requests
import schemathesis
from conftest import SECRET_A, signed_headers
from hypothesis import HealthCheck, settings
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
EVENTS_PATH = "/v1/tms/{endpoint}/events"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_path(OPENAPI)
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])


@pytest.fixture(scope="module")
def live_url(tmp_path_factory):
    """``logistics-bridge serve --no-forward`` in its own process on a free loopback port."""
    process, url = start_serve(tmp_path_factory.mktemp("openapi-live"), None, "serve.log")
    try:
        yield url
    finally:
        assert process.stop(30) == 0, process.tail()


def transport(case, base_url: str) -> dict:
    """The request to send; a valid event is sent signed, to a configured endpoint, so that
    it reaches validation and storage instead of stopping at the signature."""
    if case.operation.path == EVENTS_PATH and case.meta.generation.mode == GenerationMode.POSITIVE:
        case.path_parameters["endpoint"] = "acme"
    kwargs = case.as_transport_kwargs(base_url=base_url)
    if "json" in kwargs and case.operation.path == EVENTS_PATH:
        body = json.dumps(kwargs.pop("json"))
        kwargs["data"] = body.encode()
        if case.meta.generation.mode == GenerationMode.POSITIVE:
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


def test_generated_valid_events_reached_the_inbox(live_url):
    """Runs after the schemathesis test (file order): its signed valid events were stored,
    so the run exercised storage, not only the refusals."""
    metrics = requests.get(f"{live_url}/metrics", timeout=10).text
    accepted = [
        line
        for line in metrics.splitlines()
        if line.startswith("logistics_bridge_events_accepted_total{") and 'endpoint="acme"' in line
    ]
    assert accepted and float(accepted[0].split()[-1]) > 0, metrics
