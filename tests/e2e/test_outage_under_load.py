"""The outage benchmark in its short configuration: Odoo stopped while callbacks keep
coming, then nothing lost, nothing doubled, every shipment's order kept.

Runs ``benchmarks/outage_under_load.py --short`` as a user would (its own database,
processes and ports): 20 shipments of 12 callbacks, a 10 s outage, the backlog-age
alert evaluated at 5 s.
"""

from __future__ import annotations


def test_short_outage_under_load_loses_nothing_and_keeps_order(run_benchmark) -> None:
    report, printed = run_benchmark("outage_under_load.py", "--short")
    assert report["callbacks"] == 20 * 12
    assert report["stored"] == report["callbacks"], printed
    assert report["lost"] == [] and report["doubled"] == [], printed
    assert report["out_of_order"] == [] and report["not_final"] == [], printed
    assert report["refused"] == []
    # The outage did happen under load, was visible and alerted on, and drained.
    assert report["accepted_during_outage"] > 0
    assert report["pending_when_odoo_returned"] > 0
    assert report["alert_fired"]
    assert report["bridge_max_backlog_age"] >= 5
    assert report["overview_backlog_age"] >= 5
    assert report["time_to_empty"] is not None and report["drain_rate"] > 0
