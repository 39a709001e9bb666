from . import test_case
from . import test_portal
