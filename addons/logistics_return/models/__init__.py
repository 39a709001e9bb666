from . import logistics_event_type
from . import logistics_milestone
from . import logistics_shipment
from . import logistics_tms_adapter_generic_v1
from . import logistics_tms_return_handler
from . import stock_picking
