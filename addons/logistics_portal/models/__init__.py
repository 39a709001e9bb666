from . import logistics_milestone
from . import logistics_shipment
