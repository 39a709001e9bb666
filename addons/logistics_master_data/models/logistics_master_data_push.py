import json

from logistics_contract.master_data import MAX_VERSION, TmsMasterDataChangedV1
from pydantic import ValidationError

from odoo import _, api, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.logistics_inbound.canonical import format_location

from .logistics_master_data_sync import DOMAINS

# A notification's answer to the bridge from its records' answers: the first that any
# record has, else duplicate (all of them known already).
NOTIFICATION_RESULTS = ("needs_review", "rejected")

BRIDGE_GROUP = "logistics_inbound.group_logistics_bridge"
ADMIN_GROUP = "logistics_integration.group_integration_admin"


class LogisticsMasterDataPush(models.AbstractModel):
    """Master data changes the TMS reports for domains Odoo owns.

    Odoo is the system of record of the master data domains it sends: a change made in
    the TMS is never applied to Odoo's records. What the data-ownership matrix says for
    the domain decides: *Accept and flag for review* makes the record a conflict with
    the difference and an activity for the domain's exception owner; *Refuse the edit*
    refuses it. Either way the report is in the integration log. A version Odoo already
    knows (a report repeated) changes nothing.

    The TMS reports either through the bridge, with a change notification forwarded
    among its events (``_receive_notification``), or by calling
    ``tms_master_data_changed``.
    """

    _name = "logistics.master.data.push"
    _description = "Master Data Changes Reported by the TMS"

    @api.model
    def tms_master_data_changed(self, endpoint_code, kind, records):
        """The TMS ``endpoint_code`` reports ``records`` of ``kind`` changed on its side:
        a list of ``{"key", "version", "data"}``; answers, in order, one
        ``{"key", "result", "reason"}`` per record with result ``needs_review``,
        ``duplicate`` or ``rejected``. Logistics Bridge users and Integration
        Administrators only."""
        user = self.env.user
        if not (user.has_group(BRIDGE_GROUP) or user.has_group(ADMIN_GROUP)):
            raise AccessError(_("Only the Logistics Bridge may report TMS master data changes."))
        if kind not in DOMAINS:
            raise UserError(
                _(
                    "kind: %(kind)r is not one of %(kinds)s.",
                    kind=kind,
                    kinds=", ".join(DOMAINS),
                )
            )
        if not isinstance(records, list):
            raise UserError(_("records: a list of master data records is expected."))
        endpoint = (
            self.env["logistics.endpoint"]
            .sudo()
            .search(
                [
                    ("code", "=", endpoint_code),
                    ("kind", "=", "tms"),
                    ("company_id", "in", user.company_ids.ids),
                ],
                limit=1,
            )
        )
        if not endpoint:
            raise UserError(
                _(
                    "endpoint: no active TMS endpoint with code %(code)r in your companies.",
                    code=endpoint_code,
                )
            )
        push = self.sudo().with_company(endpoint.company_id)
        return [push._receive(endpoint.with_env(push.env), kind, record) for record in records]

    @api.model
    def _receive(self, endpoint, kind, record):
        key = record.get("key") if isinstance(record, dict) else None
        problem = self._problem(record)
        state = None
        reported_again = None
        if not problem:
            state = self.env["logistics.master.data.state"].search(
                [("endpoint_id", "=", endpoint.id), ("kind", "=", kind), ("key", "=", key)],
                limit=1,
            )
            odoo_record = state._get_related_record() if state else None
            if not odoo_record:
                problem = _("key: Odoo never sent %(key)r to this TMS", key=key)
            elif state.tms_version == record["version"] and state._holds_other_data(record["data"]):
                reported_again = _(
                    "version %(version)s was reported before with other data; the TMS's "
                    "latest report of it is in review",
                    version=record["version"],
                )
            elif state.tms_version >= record["version"]:
                return {
                    "key": key,
                    "result": "duplicate",
                    "reason": _(
                        "Odoo knows version %(known)s of %(key)s already.",
                        known=state.tms_version,
                        key=key,
                    ),
                }
        ownership = self.env["logistics.data.ownership"]._get_owner(DOMAINS[kind])
        if not problem and ownership.conflicting_edit_policy != "flag":
            problem = _(
                "Odoo owns %(domain)s: edits from the TMS are refused (Data Ownership)",
                domain=ownership._domain_label(),
            )
        if problem:
            self._log(endpoint, kind, record, state, "rejected", problem)
            return {"key": key, "result": "rejected", "reason": problem}
        sync = self.env["logistics.master.data.sync"]
        _key, data = sync._prepare(kind, odoo_record)
        state.pending_data = json.dumps(data, sort_keys=True)
        owner = ownership._get_exception_owner(DOMAINS[kind], endpoint.company_id, ADMIN_GROUP)
        state._set_conflict({"version": record["version"], "held": record["data"]}, owner)
        detail = "\n".join(filter(None, [reported_again, state.conflict_detail]))
        self._log(endpoint, kind, record, state, "needs_review", detail)
        return {"key": key, "result": "needs_review", "reason": reported_again}

    @api.model
    def _receive_notification(self, endpoint, raw):
        """A change notification (``logistics_contract.master_data``) the bridge forwarded
        for ``endpoint``; its answer to the bridge, ``{"event_id", "result", "reason"}``."""
        event_id = raw.get("event_id")
        try:
            notification = TmsMasterDataChangedV1.model_validate(raw.get("document"))
        except ValidationError as err:
            reason = "; ".join(
                f"{format_location(error['loc'])}: {error['msg']}" for error in err.errors()
            )
            self._log_notification(endpoint, raw, "rejected", reason)
            return {"event_id": event_id, "result": "rejected", "reason": reason}
        if endpoint.kind != "tms":
            reason = _("endpoint: %(code)s is not a TMS", code=endpoint.code)
            self._log_notification(endpoint, raw, "rejected", reason)
            return {"event_id": event_id, "result": "rejected", "reason": reason}
        answers = [
            self._receive(endpoint, notification.kind, record.model_dump())
            for record in notification.records
        ]
        results = {answer["result"] for answer in answers}
        result = next((r for r in NOTIFICATION_RESULTS if r in results), "duplicate")
        reasons = [f"{answer['key']}: {answer['reason']}" for answer in answers if answer["reason"]]
        return {"event_id": event_id, "result": result, "reason": "\n".join(reasons) or None}

    @api.model
    def _log_notification(self, endpoint, raw, log_state, reason):
        log = self.env["logistics.integration.log"]
        vals = log._prepare_exchange_vals(
            "inbound",
            log_state,
            endpoint=endpoint,
            summary="tms master data notification",
            external_identifier=raw.get("event_id"),
            correlation_id=raw.get("correlation_id"),
            error=reason,
        )
        log._record_exchange(vals, payload=raw.get("document"))

    @api.model
    def _problem(self, record):
        """What is wrong with a reported ``record``, naming the field, or None."""
        if not isinstance(record, dict):
            return _("record: must be a JSON object")
        if not isinstance(record.get("key"), str) or not record["key"]:
            return _("key: a non-empty string is required")
        version = record.get("version")
        if (
            not isinstance(version, int)
            or isinstance(version, bool)
            or not 1 <= version <= MAX_VERSION
        ):
            return _("version: a whole number from 1 to %s is required", MAX_VERSION)
        if not isinstance(record.get("data"), dict):
            return _("data: an object is required")
        return None

    @api.model
    def _log(self, endpoint, kind, record, state, log_state, reason):
        log = self.env["logistics.integration.log"]
        vals = log._prepare_exchange_vals(
            "inbound",
            log_state,
            endpoint=endpoint,
            record=state,
            summary=f"tms master data {kind}",
            external_identifier=record.get("key") if isinstance(record, dict) else None,
            error=reason,
        )
        log._record_exchange(vals, payload=record)
