from . import test_bundle
from . import test_approval
from . import test_bundle_hostile
