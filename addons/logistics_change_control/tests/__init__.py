from . import test_bundle
from . import test_approval
