from logistics_contract.master_data import FORMAT as CHANGE_NOTIFICATION_FORMAT

from odoo import models


def _is_change_notification(raw):
    return isinstance(raw, dict) and raw.get("format") == CHANGE_NOTIFICATION_FORMAT


class LogisticsIngest(models.AbstractModel):
    _inherit = "logistics.ingest"

    def _ingest(self, endpoint, events):
        """The TMS's master data change notifications among the forwarded events are
        master data, not shipment events: answered by ``logistics.master.data.push``, in
        their place in the batch."""
        notifications = [_is_change_notification(raw) for raw in events]
        if not any(notifications):
            return super()._ingest(endpoint, events)
        others = [raw for raw, notified in zip(events, notifications, strict=True) if not notified]
        answers = iter(super()._ingest(endpoint, others) if others else [])
        push = self.env["logistics.master.data.push"]
        return [
            push._receive_notification(endpoint, raw) if notified else next(answers)
            for raw, notified in zip(events, notifications, strict=True)
        ]
