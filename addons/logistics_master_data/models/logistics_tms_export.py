from odoo import _, api, models

from odoo.addons.logistics_tms_export.models.logistics_shipment import BLOCKED_ACTIVITY

KIND_LABELS = {
    "partners": "ship-to address",
    "products": "product",
    "carrier_services": "carrier service",
}
STATE_PROBLEMS = ("conflict", "failed", "invalid")


class LogisticsTmsExport(models.AbstractModel):
    """An order naming master data its TMS has not acknowledged waits for it.

    With the endpoint's *Orders Wait for Master Data*, the export first sends the
    missing records (ship-to address, products, carrier service) and holds the
    shipment *blocked* with the list; the master data handler releases it when the
    TMS acknowledges them. A record the TMS refused (conflict, failure, invalid) is
    a problem a person must solve: the shipment is blocked with an activity.
    """

    _inherit = "logistics.tms.export"

    @api.model
    def _push(self, shipments):
        ready = shipments.browse()
        for shipment in shipments:
            if not self._hold_for_master_data(shipment):
                ready |= shipment
        return super()._push(ready)

    @api.model
    def _hold_for_master_data(self, shipment):
        """Whether ``shipment`` waits for master data (after sending what is missing)."""
        endpoint = shipment._get_tms_endpoint()
        missing = {}
        if shipment.picking_id and endpoint and endpoint.master_data_hold_orders:
            missing = self.env["logistics.master.data.sync"]._missing_for_shipment(
                shipment, endpoint
            )
        if not missing:
            if shipment.master_data_waiting:
                shipment.master_data_waiting = False
            return False
        sync = self.env["logistics.master.data.sync"].sudo()
        problems, waiting = [], []
        for kind, records in missing.items():
            sync._send(kind, endpoint, records)
            for state in sync._states(records, endpoint):
                line = _(
                    "%(kind)s %(key)s: %(state)s",
                    kind=KIND_LABELS[kind],
                    key=state.key,
                    state=dict(state._fields["state"].selection)[state.state],
                )
                if state.state in STATE_PROBLEMS:
                    problems.append(f"{line} ({state.error or state.conflict_detail or ''})")
                else:
                    waiting.append(line)
        shipment.master_data_waiting = True
        if problems:
            shipment._tms_block(problems + waiting, title=_("Master data refused by the TMS"))
            return True
        reason = "\n".join(
            [_("Waiting for %(tms)s to acknowledge master data:", tms=endpoint.name)]
            + [f"- {line}" for line in waiting]
        )
        shipment.write({"export_state": "blocked", "export_blocked_reason": reason})
        # A wait is nobody's work: a refusal's activity, solved since, goes.
        shipment.activity_unlink([BLOCKED_ACTIVITY])
        return True
