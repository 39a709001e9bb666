from . import test_timeline
from . import test_shipment
from . import test_tour
from . import test_carrier_resolver
