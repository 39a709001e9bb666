"""The demo's printed Overview: read from the cards as the screen shows them."""

from typing import Any

from logistics_demo.driver import DemoDriver

ENDPOINT_CARD = {
    "window": "24h",
    "name": "Demo TMS",
    "kind": "endpoint",
    "exchange_count": 4,
    "failure_count": 1,
    "failure_rate": 25.0,
    "duration_p50_ms": 12.0,
    "duration_p95_ms": 40.0,
    "job_pending_count": 0,
    "job_failed_count": 0,
    "review_count": 0,
    "bridge_count": 1,
    "bridge_stale_count": 0,
    "indicator_count": 0,
    "indicator_overdue_count": 0,
}


class FakeClient:
    def uid(self) -> int:
        return 2


class RecordingDriver(DemoDriver):
    """A driver whose JSON-RPC calls answer from a table and are recorded."""

    def __init__(self, cards: list[dict[str, Any]]) -> None:
        self.client = FakeClient()
        self.cards = cards
        self.calls: list[tuple[str, str, tuple, dict]] = []

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        self.calls.append((model, method, args, kwargs))
        if model == "res.users":
            return [{"id": 2, "company_id": [3, "Demo Company"]}]
        return self.cards


def business(name: str, count: int, overdue: int = 0) -> dict[str, Any]:
    return {
        **ENDPOINT_CARD,
        "kind": "business",
        "name": name,
        "indicator_count": count,
        "indicator_overdue_count": overdue,
    }


def test_overview_reads_the_cards_over_the_screens_window_and_company():
    driver = RecordingDriver([ENDPOINT_CARD])
    driver.overview()
    [(model, method, args, kwargs)] = [c for c in driver.calls if c[0] != "res.users"]
    assert (model, method, args) == ("logistics.overview.card", "search_read", ([],))
    assert kwargs["context"] == {"overview_window": "24h", "allowed_company_ids": [3]}
    assert {"window", "indicator_count", "indicator_overdue_count"} <= set(kwargs["fields"])


def test_overview_prints_every_card_with_its_overdue_part():
    driver = RecordingDriver(
        [
            ENDPOINT_CARD,
            business("Exports blocked", 1),
            business("Carrier bills held", 1),
            business("Open service cases", 2, overdue=1),
        ]
    )
    assert driver.overview() == [
        "Demo TMS: 4 exchanges (24 h), 1 failed (25.0 %), p50 12 ms, p95 40 ms, "
        "jobs 0 pending, 0 failed, 0 to review, bridges 1 (0 stale)",
        "Exports blocked: 1",
        "Carrier bills held: 1",
        "Open service cases: 2 (1 overdue)",
    ]


class BridgesCatchingUp(RecordingDriver):
    """Bridges behind Odoo's registry for the first ``polls`` counts, then none."""

    def __init__(self, polls: int) -> None:
        super().__init__([])
        self.polls = polls

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        self.calls.append((model, method, args, kwargs))
        self.polls -= 1
        return 1 if self.polls >= 0 else 0


def test_the_overview_waits_for_bridges_to_take_the_approved_registry():
    driver = BridgesCatchingUp(polls=2)
    assert driver.wait_bridges_current(timeout=5)
    assert [c[:3] for c in driver.calls] == [
        ("logistics.bridge.instance", "search_count", ([("is_registry_behind", "=", True)],))
    ] * 3


def test_a_bridge_still_behind_ends_the_wait_at_the_timeout():
    driver = BridgesCatchingUp(polls=1000)
    assert not driver.wait_bridges_current(timeout=0)
