"""Master data held by the simulated TMS: the ``tms-master-data`` v1 contract from the
TMS side.

Each record (by kind and key) has a version, starting at 1 and incremented by every
change the TMS stores. A record whose ``base_version`` is not the version the TMS
holds is refused as a conflict, with the TMS's version and data, and kept unchanged:
someone changed it in the TMS (``edit``) since Odoo last sent it. A batch sent again
under the same ``Idempotency-Key`` gets the answer it got the first time. A change made
in the TMS is told to Odoo through the bridge (``change_notification``).
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

KINDS = ("partners", "products", "carrier_services")


class InvalidMasterData(ValueError):
    """The batch is not a ``tms-master-data`` v1 batch of its path's kind; ``fields``
    names what is wrong."""

    def __init__(self, fields: list[str]) -> None:
        super().__init__(", ".join(fields))
        self.fields = fields


@dataclass
class HeldRecord:
    version: int
    data: dict[str, Any]


@dataclass
class KindStats:
    batches: int = 0
    records: int = 0
    last_batch_records: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)


class MasterDataBook:
    """Records held, by kind and key, and what each batch did; safe across threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[str, dict[str, HeldRecord]] = {kind: {} for kind in KINDS}
        self._stats: dict[str, KindStats] = {kind: KindStats() for kind in KINDS}
        self._answers: dict[str, dict[str, Any]] = {}

    def receive(self, kind: str, batch: Any, idempotency_key: str | None) -> dict[str, Any]:
        """Store what ``batch`` changes and answer one result per record."""
        records = _records(kind, batch)
        with self._lock:
            if idempotency_key and idempotency_key in self._answers:
                return self._answers[idempotency_key]
            held = self._held[kind]
            stats = self._stats[kind]
            results = [self._apply(held, record) for record in records]
            stats.batches += 1
            stats.records += len(records)
            stats.last_batch_records = len(records)
            stats.outcomes.update(result["status"] for result in results)
            answer = {"results": results}
            if idempotency_key:
                self._answers[idempotency_key] = answer
            return answer

    @staticmethod
    def _apply(held: dict[str, HeldRecord], record: dict[str, Any]) -> dict[str, Any]:
        key, data, base = record["key"], record["data"], record.get("base_version")
        current = held.get(key)
        if current and base != current.version:
            return {
                "key": key,
                "status": "conflict",
                "version": current.version,
                "held": current.data,
            }
        if current and current.data == data:
            return {"key": key, "status": "unchanged", "version": current.version}
        version = current.version + 1 if current else 1
        held[key] = HeldRecord(version, data)
        return {"key": key, "status": "accepted", "version": version}

    def edit(self, kind: str, key: str, changes: dict[str, Any]) -> HeldRecord:
        """A change made in the TMS itself: the record's next version."""
        if kind not in KINDS:
            raise KeyError(kind)
        with self._lock:
            current = self._held[kind][key]
            current.version += 1
            current.data = {**current.data, **changes}
            return HeldRecord(current.version, dict(current.data))

    def records(self, kind: str) -> dict[str, dict[str, Any]]:
        """What the TMS holds of ``kind``: key → version and data."""
        with self._lock:
            return {
                key: {"version": held.version, "data": held.data}
                for key, held in self._held[kind].items()
            }

    def summary(self) -> dict[str, Any]:
        """Per kind: records held, batches and records received, the last batch's size."""
        with self._lock:
            return {
                kind: {
                    "held": len(self._held[kind]),
                    "batches": stats.batches,
                    "records_received": stats.records,
                    "last_batch_records": stats.last_batch_records,
                    "outcomes": dict(stats.outcomes),
                }
                for kind, stats in self._stats.items()
            }


def _records(kind: str, batch: Any) -> list[dict[str, Any]]:
    if kind not in KINDS:
        raise InvalidMasterData(["kind"])
    if not isinstance(batch, dict):
        raise InvalidMasterData(["body"])
    problems = [
        name
        for name, ok in (
            ("schema", batch.get("schema") == "tms-master-data"),
            ("schema_version", batch.get("schema_version") == 1),
            ("kind", batch.get("kind") == kind),
            ("records", isinstance(batch.get("records"), list) and batch["records"]),
        )
        if not ok
    ]
    if problems:
        raise InvalidMasterData(problems)
    records = batch["records"]
    for position, record in enumerate(records):
        if not isinstance(record, dict):
            raise InvalidMasterData([f"records[{position}]"])
        bad = [
            f"records[{position}].{name}"
            for name, ok in (
                ("key", isinstance(record.get("key"), str) and record["key"]),
                ("data", isinstance(record.get("data"), dict)),
                (
                    "base_version",
                    record.get("base_version") is None
                    or (
                        isinstance(record["base_version"], int)
                        and not isinstance(record["base_version"], bool)
                    ),
                ),
            )
            if not ok
        ]
        if bad:
            raise InvalidMasterData(bad)
    return records


def change_notification(kind: str, key: str, held: HeldRecord, moment: datetime) -> dict[str, Any]:
    """The ``tms-master-data`` v1 change notification the TMS posts to its bridge endpoint
    once ``key`` of ``kind`` changed on its side (``held``, its new version); one id per
    version, so a resend is a duplicate."""
    return {
        "schema": "tms-master-data",
        "schema_version": 1,
        "document": "changed",
        "notification_id": f"mdc-{kind}-{key}-v{held.version}",
        "kind": kind,
        "occurred_at": moment.isoformat(),
        "records": [{"key": key, "version": held.version, "data": held.data}],
    }
