"""The bridge's /metrics tells how old its backlog is, which the backlog-age alert reads."""

from __future__ import annotations

import json
import re
import time

import requests
from conftest import bridge_settings, make_event, signed_headers, start_bridge
from logistics_demo.processes import free_port

AGE = re.compile(r"^logistics_bridge_inbox_oldest_pending_age_seconds (\S+)$", re.M)


def _age(url: str) -> float:
    return float(AGE.search(requests.get(f"{url}/metrics", timeout=10).text).group(1))


def test_oldest_pending_age_grows_while_odoo_is_unreachable(tmp_path):
    running = start_bridge(bridge_settings(tmp_path, f"http://127.0.0.1:{free_port()}"))
    try:
        assert _age(running.url) == 0.0
        body = json.dumps(make_event("age-1"))
        answer = requests.post(
            f"{running.url}/v1/tms/acme/events",
            data=body,
            headers=signed_headers(body),
            timeout=10,
        )
        assert answer.status_code == 202
        time.sleep(2.2)  # the gauge is read at most once a second
        assert _age(running.url) >= 1.0
    finally:
        running.service.shutdown()
