"""The scale-out benchmark in its short configuration: bridges sharing one PostgreSQL
inbox behind a round-robin balancer, one killed mid-run, nothing lost or doubled.

Runs ``benchmarks/scale_out.py --short`` as a user would: 20 shipments of 5 callbacks
through one bridge, then 20 more through two, one of them SIGKILLed after 2 s.
"""

from __future__ import annotations


def test_short_scale_out_with_a_killed_bridge_loses_nothing(run_benchmark) -> None:
    report, printed = run_benchmark("scale_out.py", "--short")
    single, several = report["phases"]
    assert (single["bridges"], single["killed"]) == (1, 0)
    assert (several["bridges"], several["killed"]) == (2, 1)
    for phase in (single, several):
        assert phase["callbacks"] == phase["stored"] == 20 * 5, printed
        assert phase["lost"] == [] and phase["doubled"] == [], printed
        assert phase["out_of_order"] == [] and phase["not_final"] == [], printed
        assert phase["refused"] == []
        assert phase["seconds"] > 0
