from . import logistics_case_type
from . import logistics_case_rule
from . import logistics_case
from . import logistics_milestone
from . import logistics_shipment
from . import sale_order
