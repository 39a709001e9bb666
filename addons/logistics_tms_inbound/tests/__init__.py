from . import test_planning
from . import test_charges
from . import test_contract_schema
from . import test_tms_callbacks
from . import test_concurrent_lanes
from . import test_settings_input
from . import test_default_profile
