from . import delivery_carrier
from . import logistics_endpoint
from . import logistics_freight_charge
from . import logistics_rate_quote
from . import logistics_shipment
from . import logistics_tms_adapter_generic_v1
from . import sale_order
