"""Numbers travel from the wire to Odoo as written: no float rounding, and a number a float
cannot hold (underflow to zero, overflow, NaN/Infinity) is refused with the field's path."""

from __future__ import annotations

import json

import pytest
import responses
from conftest import SECRET_A, make_event, wsgi_app
from logistics_bridge.config import ForwardSettings, OdooSettings
from logistics_bridge.forwarder import Forwarder
from logistics_bridge.odoo_client import OdooClient
from wsgi_client import call, signed_call

LONG = "1234.56789012345678901234567890"
TOKEN = {"Authorization": "Bearer tok-1", "Content-Type": "application/json"}


@pytest.fixture
def app(tmp_path):
    with wsgi_app(
        tmp_path,
        endpoints={
            "acme": [SECRET_A],
            "doc": {
                "format": "json",
                "event_id_path": "id",
                "shipment_key_path": "ref",
                "auth": {"scheme": "token", "secrets": ["tok-1"]},
            },
        },
    ) as app_:
        yield app_


def envelope_with(amount_text: str) -> str:
    body = json.dumps(make_event("n-1", payload={"charges": [{"amount": 0}]}))
    return body.replace('"amount": 0', f'"amount": {amount_text}')


def test_long_decimal_is_stored_and_forwarded_as_written(app):
    assert signed_call(app, envelope_with(LONG)).status == 202
    (event,) = app.inbox.list_events()
    assert f'"amount":{LONG}' in event.payload_json
    sent = []

    def odoo(request):
        body = request.body.decode()
        document = json.loads(body)
        if document["params"]["service"] == "common":
            return 200, {}, json.dumps({"jsonrpc": "2.0", "id": document["id"], "result": 7})
        sent.append(body)
        result = [{"event_id": "n-1", "result": "processed", "reason": None}]
        return 200, {}, json.dumps({"jsonrpc": "2.0", "id": document["id"], "result": result})

    client = OdooClient(OdooSettings(url="http://odoo.test", db="d", login="b", api_key="k"))
    with responses.RequestsMock() as mock:
        mock.add_callback(responses.POST, "http://odoo.test/jsonrpc", callback=odoo)
        Forwarder(app.inbox, client, ForwardSettings()).run_once()
    assert f'"amount":{LONG}' in sent[0]


def test_json_format_keeps_numbers_raw(app):
    body = '{"id": "d-1", "ref": "S1", "amount": 0.10000000000000000000001, "tiny": 1e-300}'
    assert call(app, "/v1/in/doc", body.encode(), TOKEN).status == 202
    (event,) = app.inbox.list_events()
    assert event.payload_json == (
        '{"id":"d-1","ref":"S1","amount":0.10000000000000000000001,"tiny":1E-300}'
    )


@pytest.mark.parametrize(
    "number", ["1e-400", "-1e-400", "1e400", "-1e400", "NaN", "Infinity", "-Infinity"]
)
def test_out_of_range_numbers_refused_naming_the_field(app, number):
    answer = signed_call(app, envelope_with(number))
    assert answer.status == 422, answer.body
    document = answer.json()
    assert document["error"] == "number_out_of_range"
    assert document["fields"] == ["payload.charges[0].amount"]
    assert sum(app.inbox.counts().values()) == 0


def test_out_of_range_number_in_an_array_names_its_element(app):
    body = json.dumps([make_event("a-1"), make_event("a-2", payload={"x": 0})])
    answer = signed_call(app, body.replace('"x": 0', '"x": 1e-999'))
    assert answer.status == 422
    assert answer.json()["fields"] == ["[1].payload.x"]


def test_zero_written_small_is_still_zero(app):
    assert signed_call(app, envelope_with("0e-999")).status == 202
    body = b'{"id": "z", "ref": "S", "v": -0.0}'
    assert call(app, "/v1/in/doc", body, TOKEN).status == 202
