from . import test_customer_fields
from . import test_portal
from . import test_portal_controller
from . import test_portal_exchange
from . import test_portal_tour
from . import test_multi_company
