"""TMS orders are two exchange types since 18.0.1.1.0: create and update.

Messages of the former operation ``tms_order`` move to ``tms_order_create``
(POST) or ``tms_order_update`` (PUT) of their endpoint; the interim
``tms_order`` exchange type the core upgrade made for them goes once no
message names it. Cancellations keep their code and get the TMS handler.
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
           SET operation = i.code, interface_id = i.id
          FROM logistics_interface i
         WHERE m.operation = 'tms_order'
           AND i.endpoint_id = m.endpoint_id
           AND i.code = CASE WHEN m.http_method = 'PUT'
                             THEN 'tms_order_update' ELSE 'tms_order_create' END;
        DELETE FROM logistics_interface i
         WHERE i.code = 'tms_order' AND i.endpoint_id IS NOT NULL
           AND NOT EXISTS (
               SELECT 1 FROM logistics_outbound_message m WHERE m.interface_id = i.id
           );
        """
    )
    env.invalidate_all()
    env["logistics.interface"]._align_with_templates(["tms_order_cancel"])
