import responses

from odoo.addons.logistics_integration.tests.common import trap_jobs
from odoo.addons.logistics_shipment.tests.common import LogisticsShipmentCase

from ..models.logistics_shipment import ORDER_EXCHANGE_TYPES

__all__ = ["TmsExportCase", "trap_jobs"]


class TmsExportCase(LogisticsShipmentCase):
    """Orders, stock and a TMS endpoint for the export tests.

    The registry is put in test mode (as HttpCase does) because the outbox
    logs each attempt from a separate cursor; in test mode that cursor works
    inside the test transaction.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry.enter_test_mode(cls.cr)
        cls.addClassCleanup(cls.registry.leave_test_mode)
        cls.endpoint.write(
            {
                "responsible_user_id": cls.integration_admin.id,
                "retry_pattern": "1:60,3:180",
                "max_retries": 3,
            }
        )
        cls.company.write(
            {
                "logistics_tms_endpoint_id": cls.endpoint.id,
                "logistics_tms_export_trigger": "allocation",
            }
        )
        cls.salesperson = cls._create_user("lgx_sales", "sales_team.group_sale_salesman")
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.ship_to = cls.env["res.partner"].create(
            {
                "name": "Acme Retail Depot",
                "street": "Rue de la Loi 16",
                "city": "Brussels",
                "zip": "1000",
                "country_id": cls.env.ref("base.be").id,
                "phone": "+32 2 555 01 01",
                "email": "depot@acme.example",
            }
        )
        cls.product = cls._create_product("Pallet of widgets", "WID-1", weight=12.5)
        cls.carrier_product = cls.env["product.product"].create(
            {"name": "Freight", "type": "service"}
        )
        cls.carrier = cls.env["delivery.carrier"].create(
            {
                "name": "Road Express",
                "product_id": cls.carrier_product.id,
                "logistics_carrier_code": "ROADX",
            }
        )

    @classmethod
    def _create_product(cls, name, code, weight=1.0, stock=100.0):
        product = cls.env["product.product"].create(
            {
                "name": name,
                "default_code": code,
                "type": "consu",
                "is_storable": True,
                "weight": weight,
            }
        )
        if stock:
            cls.env["stock.quant"]._update_available_quantity(
                product, cls.warehouse.lot_stock_id, stock
            )
        return product

    @classmethod
    def _create_order(cls, partner=None, product=None, qty=2.0, confirm=True, **values):
        partner = partner or cls.ship_to
        vals = {
            "partner_id": partner.id,
            "user_id": cls.salesperson.id,
            "warehouse_id": cls.warehouse.id,
            "order_line": [
                (0, 0, {"product_id": (product or cls.product).id, "product_uom_qty": qty})
            ],
        }
        vals.update(values)
        order = cls.env["sale.order"].create(vals)
        if confirm:
            order.action_confirm()
        return order

    def _archive_tms_endpoints(self):
        """Make the company a carrier-only shop: no TMS endpoint at all (demo data has one)."""
        self.env["logistics.endpoint"].search(
            [("kind", "=", "tms"), ("company_id", "=", self.company.id)]
        ).active = False

    def _export_order(self, **values):
        """A confirmed, reserved order and its queued shipment (jobs trapped)."""
        with trap_jobs():
            order = self._create_order(**values)
        shipment = order.logistics_shipment_ids
        self.assertEqual(len(shipment), 1)
        return order, shipment

    def _export_and_plan(self, reference):
        """A confirmed order whose shipment the TMS took and planned as ``reference``."""
        order, shipment = self._export_order()
        with responses.RequestsMock() as mocked:
            mocked.post(
                f"{self.endpoint.base_url}/v1/orders",
                status=201,
                json={"planning_reference": reference},
            )
            self._last_message(shipment)._send()
        return order, shipment

    def _last_message(self, shipment, code=ORDER_EXCHANGE_TYPES):
        return shipment._tms_messages(code)[:1]
