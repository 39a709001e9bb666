"""TMS orders are two exchange types since 18.0.1.1.0: create and update.

Messages of the former operation ``tms_order`` move to ``tms_order_create``
(POST) or ``tms_order_update`` (PUT) of their endpoint; the interim
``tms_order`` exchange type the core upgrade made for them goes once no
message names it. Cancellations keep their code and get the TMS handler.
Written with the names of ``logistics_integration`` 18.0.2.0.0, whose pre-migration
has renamed the catalogue and the outbox's columns before this runs.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["logistics.endpoint"]._ensure_all_exchange_types()
    cr.execute(
        """
        UPDATE logistics_outbound_message m
           SET exchange_type_code = t.code, exchange_type_id = t.id
          FROM logistics_exchange_type t
         WHERE m.exchange_type_code = 'tms_order'
           AND t.endpoint_id = m.endpoint_id
           AND t.code = CASE WHEN m.http_method = 'PUT'
                             THEN 'tms_order_update' ELSE 'tms_order_create' END;
        DELETE FROM logistics_exchange_type t
         WHERE t.code = 'tms_order' AND t.endpoint_id IS NOT NULL
           AND NOT EXISTS (
               SELECT 1 FROM logistics_outbound_message m WHERE m.exchange_type_id = t.id
           );
        """
    )
    env.invalidate_all()
    env["logistics.exchange.type"]._align_with_templates(["tms_order_cancel"])
