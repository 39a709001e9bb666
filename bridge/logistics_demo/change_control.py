"""Change control in the demo and its end-to-end test: a configuration bundle exported
from one Odoo database, imported into another (or the same one) as a change request,
previewed, approved by a second Integration Administrator and applied, over JSON-RPC."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from .driver import DemoDriver

_logger = logging.getLogger(__name__)

REQUEST_MODEL = "logistics.change.request"
INTEGRATION_ADMIN = "logistics_integration.group_integration_admin"
APPROVER_LOGIN = "change-approver"
PREVIEW_FIELDS = ["state", "new_count", "changed_count", "unchanged_count", "guard_note"]


@dataclass(frozen=True)
class Promotion:
    """What a bundle's promotion showed and ended in."""

    source: str
    target: str
    records: int
    new: int
    changed: int
    unchanged: int
    approver: str
    state: str
    guard_note: str

    def line(self) -> str:
        return (
            f"Change control: bundle of {self.records} records exported from {self.source}, "
            f"previewed in {self.target} ({self.new} new, {self.changed} changed, "
            f"{self.unchanged} unchanged), approved by a second administrator "
            f"({self.approver}) and {self.state}"
        )


def second_administrator(
    admin: DemoDriver, url: str, database: str, login: str = APPROVER_LOGIN
) -> DemoDriver:
    """A driver for a second Integration Administrator of ``database``, created by
    ``admin`` when missing (its password is its login: a demo account)."""
    group_id = admin.xmlid(INTEGRATION_ADMIN)
    if not admin.call("res.users", "search", [("login", "=", login)]):
        admin.call(
            "res.users",
            "create",
            {
                "name": "Change Approver",
                "login": login,
                "email": f"{login}@example.com",
                "password": login,
                "groups_id": [(4, group_id)],
            },
        )
    return DemoDriver(url, database, login, login)


def export_bundle(source: DemoDriver) -> dict[str, Any]:
    """The configuration bundle of the source's current company."""
    return source.call(REQUEST_MODEL, "export_bundle")


def read_request(driver: DemoDriver, request_id: int) -> dict[str, Any]:
    [row] = driver.call(REQUEST_MODEL, "read", [request_id], PREVIEW_FIELDS)
    return row


def promote(
    document: dict[str, Any],
    requester: DemoDriver,
    approver: DemoDriver,
    *,
    target: str,
    approver_login: str = APPROVER_LOGIN,
    url_mapping: str | None = None,
) -> Promotion:
    """Import ``document`` as ``requester``, then approve and apply it as ``approver``."""
    request_id = requester.call(
        REQUEST_MODEL, "import_bundle", json.dumps(document), url_mapping=url_mapping
    )
    preview = read_request(requester, request_id)
    approver.call(REQUEST_MODEL, "action_approve", [request_id])
    approver.call(REQUEST_MODEL, "action_apply", [request_id])
    done = read_request(requester, request_id)
    _logger.info("Change request %s: %s", request_id, done["state"])
    return Promotion(
        source=document["source"]["database"],
        target=target,
        records=len(document["records"]),
        new=preview["new_count"],
        changed=preview["changed_count"],
        unchanged=preview["unchanged_count"],
        approver=approver_login,
        state=done["state"],
        guard_note=preview["guard_note"] or "",
    )


def demo_round(admin: DemoDriver, url: str, database: str, endpoint_code: str) -> Promotion:
    """The demo's promotion within its one database: the bundle is exported, the
    endpoint's read timeout is changed afterwards (a drift), and importing the bundle
    back shows that one change, which a second administrator approves and applies."""
    document = export_bundle(admin)
    [endpoint] = admin.call(
        "logistics.endpoint", "search_read", [("code", "=", endpoint_code)], ["read_timeout"]
    )
    admin.call(
        "logistics.endpoint",
        "write",
        [endpoint["id"]],
        {"read_timeout": endpoint["read_timeout"] + 15},
    )
    approver = second_administrator(admin, url, database)
    target = f"{database} after its {endpoint_code} read timeout was changed"
    return promote(document, admin, approver, target=target)
