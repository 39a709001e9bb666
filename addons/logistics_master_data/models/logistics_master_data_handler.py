import logging

from pydantic import ValidationError

from odoo import _, api, models

from odoo.addons.logistics_tms_export.adapters import describe_errors

from ..contract import RecordResult, TmsMasterDataResponseV1
from .logistics_master_data_sync import DOMAINS

_logger = logging.getLogger(__name__)


class LogisticsMasterDataHandler(models.AbstractModel):
    """Batches of master data sent to a TMS (exchange types tms_master_*).

    The TMS answers one result per record: acknowledged records remember the
    content and version the TMS holds; a record the TMS holds in another version
    becomes a conflict for the domain's exception owner; shipments that waited
    for these records leave. A failed batch leaves its records failed (sent
    again by the next run or *Send now*) and an activity on the message.
    """

    _name = "logistics.master.data.handler"
    _inherit = "logistics.exchange.handler"
    _description = "Master Data Exchange Handler"

    @api.model
    def _get_states(self, message):
        return (
            self.env["logistics.master.data.state"].sudo().search([("message_id", "=", message.id)])
        )

    @api.model
    def _on_success(self, message, response_json):
        states = self._get_states(message)
        try:
            results = self._read_results(response_json)
        except ValueError as err:
            error = _("The TMS took the batch but its answer is unreadable: %s", err)
            _logger.warning(
                "Master data batch %s (correlation id %s): %s",
                message.display_name,
                message.correlation_id,
                error,
            )
            return self._on_failure(message, error)
        sync = self.env["logistics.master.data.sync"].sudo()
        for state in states:
            entries = results.pop(state.key, [])
            problem = self._result_problem(state, entries)
            if problem:
                _logger.warning(
                    "Master data %s of batch %s (correlation id %s) not acknowledged: %s",
                    state.key,
                    message.display_name,
                    message.correlation_id,
                    problem,
                )
                state._set_failed(problem)
            elif entries[0].status == "conflict":
                owner = self.env["logistics.data.ownership"]._get_exception_owner(
                    DOMAINS[state.kind],
                    state.company_id,
                    "logistics_integration.group_integration_admin",
                )
                state._set_conflict(entries[0].model_dump(), owner)
            else:
                sync._acknowledge(state, entries[0])
        if results:
            self._report_unknown_keys(message, sorted(results, key=str))
        self._send_follow_ups(states.filtered("resend_after_answer"))
        sync._release_waiting_shipments(message.company_id)
        return True

    @api.model
    def _read_results(self, response_json):
        """The answer's results by key, each a RecordResult or, for a result that breaks
        the contract, the problems as text (key None: no readable key). Raises
        ValueError naming the field when the answer as a whole is unreadable."""
        if response_json is None:
            raise ValueError(_("not JSON"))
        try:
            TmsMasterDataResponseV1.model_validate(response_json)
        except ValidationError as err:
            if any(
                error["loc"][:1] != ("results",) or len(error["loc"]) < 2 for error in err.errors()
            ):
                raise ValueError("; ".join(describe_errors(err, response_json))) from err
        results = {}
        for item in response_json["results"]:
            try:
                entry = RecordResult.model_validate(item)
            except ValidationError as err:
                key = item.get("key") if isinstance(item, dict) else None
                results.setdefault(key.strip() if isinstance(key, str) else None, []).append(
                    "; ".join(describe_errors(err, item if isinstance(item, dict) else {}))
                )
            else:
                results.setdefault(entry.key, []).append(entry)
        return results

    @api.model
    def _result_problem(self, state, entries):
        """Why ``entries`` (the answer's results for ``state``'s key) do not acknowledge
        the record, or None when they do."""
        if not entries:
            return _("The TMS's answer has no result for this record.")
        if len(entries) > 1:
            return _(
                "The TMS's answer has %s results for this record: which holds cannot be told.",
                len(entries),
            )
        if isinstance(entries[0], str):
            return _("The TMS's result for this record is invalid: %s", entries[0])
        if entries[0].version < state.tms_version:
            return _(
                "The TMS answered version %(new)s, older than version %(old)s it "
                "acknowledged before.",
                new=entries[0].version,
                old=state.tms_version,
            )
        return None

    @api.model
    def _report_unknown_keys(self, message, keys):
        """Results for records the batch did not carry change nothing, but someone
        looking at the message must be able to see them."""
        names = ", ".join(key or _("(no key)") for key in keys)
        _logger.warning(
            "Master data batch %s (correlation id %s): results for records not sent, ignored: %s",
            message.display_name,
            message.correlation_id,
            names,
        )
        message.sudo().message_post(
            body=_("The TMS answered for records this batch did not carry (ignored): %s", names)
        )

    @api.model
    def _on_failure(self, message, error):
        self._get_states(message).filtered(lambda s: s.state == "pending")._set_failed(error)
        return super()._on_failure(message, error)

    @api.model
    def _conflict_is_success(self, message, body):
        return False

    @api.model
    def _send_follow_ups(self, states):
        """Records that changed again while this batch was on its way."""
        sync = self.env["logistics.master.data.sync"].sudo()
        for state in states:
            record = state._get_related_record()
            if record and state.state == "sent":
                sync._send(state.kind, state.endpoint_id, record)
