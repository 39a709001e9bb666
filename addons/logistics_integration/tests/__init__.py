from . import test_endpoint
from . import test_integration_log
from . import test_masking
from . import test_outbound
from . import test_security
from . import test_tour
from . import test_exchange_type
