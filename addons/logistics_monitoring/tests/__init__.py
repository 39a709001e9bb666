from . import test_bridge_instance
from . import test_metrics
from . import test_overview
from . import test_sla
from . import test_tour
from . import test_trace
from . import test_tracing
from . import test_inbound_trace
