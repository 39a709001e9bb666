from . import test_portal
from . import test_portal_controller
from . import test_portal_exchange
