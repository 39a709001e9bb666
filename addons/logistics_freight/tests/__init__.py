from . import test_freight_audit
from . import test_freight_decisions
from . import test_tour
from . import test_hooks
from . import test_multi_company
from . import test_settings
