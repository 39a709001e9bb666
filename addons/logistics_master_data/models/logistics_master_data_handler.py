from pydantic import ValidationError

from odoo import _, api, models

from ..contract import TmsMasterDataResponseV1
from .logistics_master_data_sync import DOMAINS


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
            answer = TmsMasterDataResponseV1.model_validate(response_json)
        except ValidationError as err:
            error = _("The TMS took the batch but its answer is unreadable: %s", err)
            return self._on_failure(message, error)
        results = {result.key: result for result in answer.results}
        sync = self.env["logistics.master.data.sync"].sudo()
        for state in states:
            result = results.get(state.key)
            if result is None:
                state._set_failed(_("The TMS's answer has no result for this record."))
            elif result.status == "conflict":
                owner = self.env["logistics.data.ownership"]._get_exception_owner(
                    DOMAINS[state.kind],
                    state.company_id,
                    "logistics_integration.group_integration_admin",
                )
                state._set_conflict(result.model_dump(), owner)
            else:
                sync._acknowledge(state, result)
        self._send_follow_ups(states.filtered("resend_after_answer"))
        sync._release_waiting_shipments(message.company_id)
        return True

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
