from odoo.addons.logistics_shipment.tests.common import LogisticsShipmentCase


class LogisticsFreightCase(LogisticsShipmentCase):
    """Fixtures: carriers, orders with a delivery line and their shipments, charges."""

    @classmethod
    def _create_carrier(cls, name="Test Freight", price=100.0):
        product = cls.env["product.product"].create(
            {"name": f"{name} delivery", "type": "service", "invoice_policy": "order"}
        )
        return cls.env["delivery.carrier"].create(
            {"name": name, "product_id": product.id, "delivery_type": "fixed", "fixed_price": price}
        )

    @classmethod
    def _create_order_shipment(cls, carrier, freight_price, reference):
        """A confirmed order with a delivery line at ``freight_price`` and its shipment."""
        product = cls.env["product.product"].create(
            {
                "name": "Pallet of goods",
                "type": "service",
                "invoice_policy": "order",
                "list_price": 1000,
            }
        )
        order = cls.env["sale.order"].create(
            {"partner_id": cls.customer.id, "order_line": [(0, 0, {"product_id": product.id})]}
        )
        order.set_delivery_line(carrier, freight_price)
        order.action_confirm()
        shipment = cls._create_shipment(
            sale_order_id=order.id, carrier_id=carrier.id, tms_reference=reference
        )
        return order, shipment

    @classmethod
    def _add_actual_charge(cls, shipment, actual, **values):
        """A charge whose actual amount was reported, expected from the order, reconciled."""
        vals = {
            "shipment_id": shipment.id,
            "expected_amount": shipment._get_expected_freight(
                "base_freight", shipment.company_id.currency_id
            ),
            "actual_amount": actual,
            "has_actual": True,
        }
        vals.update(values)
        charge = cls.env["logistics.freight.charge"].create(vals)
        charge._reconcile()
        return charge
