from . import test_contract
from . import test_expected_freight
from . import test_provider
from . import test_rate_shipment
from . import test_rate_endpoint_kind
from . import test_rate_hostile_answers
