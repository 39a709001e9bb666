from . import test_case
from . import test_customer_fields
from . import test_portal
from . import test_portal_tour
from . import test_case_money
