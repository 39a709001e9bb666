from . import logistics_carrier_tolerance
from . import delivery_carrier
from . import logistics_freight_charge
from . import logistics_shipment
from . import sale_order
from . import account_move
from . import res_company
from . import res_config_settings
