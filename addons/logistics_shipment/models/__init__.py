from . import logistics_shipment
from . import logistics_milestone
from . import logistics_freight_charge
from . import sale_order
from . import stock_picking
from . import logistics_carrier_alias
from . import delivery_carrier
from . import res_partner
