"""The chaos command in a short configuration: every fault at once, nothing lost or doubled.

Runs ``benchmarks/chaos.py`` as a user would (its own database, processes and ports)
with a 20 s Odoo outage, four orders and the bridge killed every few seconds.
LGX_CHAOS_TEST_DATABASE and LGX_CHAOS_TEST_PORT_BASE (three ports from it) pin the
database name and ports on a shared machine; by default both are picked fresh.
"""

from __future__ import annotations

import os
import uuid

ORDERS = 4
PORT_BASE = int(os.environ.get("LGX_CHAOS_TEST_PORT_BASE") or 0)


def test_short_chaos_run_loses_nothing_and_doubles_nothing(run_benchmark) -> None:
    report, printed = run_benchmark(
        "chaos.py",
        "--database="
        + (os.environ.get("LGX_CHAOS_TEST_DATABASE") or f"lgx_chaos_{uuid.uuid4().hex[:8]}"),
        *(
            f"--{name}-port={PORT_BASE + offset if PORT_BASE else 0}"
            for offset, name in enumerate(("odoo", "bridge", "tms"))
        ),
        f"--orders={ORDERS}",
        "--order-interval=2",
        "--pace=0.5",
        "--odoo-outage-seconds=20",
        "--bridge-kill-every",
        "5",
        "10",
        "--drain-timeout=240",
    )
    assert report["settled"], printed
    assert report["lost"] == [] and report["doubled"] == [], printed
    assert report["events_produced"] == report["events_applied"] == report["events_accepted"]
    assert report["states_equal_in_order"] == report["shipments"] == ORDERS
    assert report["exported_once"] == ORDERS
    assert report["export_failures_with_activity"] == report["export_failures"]
    # The faults did happen.
    assert report["bridge_kills"] >= 1
    assert report["events_accepted_during_outage"] > 0
    assert report["callbacks_acknowledged"]["200 duplicate"] >= 2 * report["events_produced"]
    assert sum(report["order_calls"].values()) > report["order_calls"]["answered"]
