from . import test_role_tours
from . import test_rate_quote_walk
from . import test_case_rule_walk
from . import test_bounded_fields
from . import test_role_clicks
