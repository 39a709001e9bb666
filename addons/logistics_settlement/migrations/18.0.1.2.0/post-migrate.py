"""Settlement's batches are registered with the core's batch scheduler since 18.0.1.2.0.

Its three hourly scheduled actions give way to the core's single one; a batch whose
scheduled action had been switched off stays off (its registration is archived).
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

#: Former scheduled action -> the batch registered in its place.
FORMER_CRONS = {
    "ir_cron_carrier_settlement": "batch_carrier_settlement",
    "ir_cron_freight_accruals": "batch_freight_accruals",
    "ir_cron_finance_export": "batch_finance_export",
}


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for cron_name, batch_name in FORMER_CRONS.items():
        cron = env.ref(f"logistics_settlement.{cron_name}", raise_if_not_found=False)
        if not cron:
            continue
        if not cron.active:
            env.ref(f"logistics_settlement.{batch_name}").active = False
            _logger.info("Batch %s stays off, as its scheduled action was", batch_name)
        action = cron.ir_actions_server_id
        cron.unlink()
        action.unlink()
