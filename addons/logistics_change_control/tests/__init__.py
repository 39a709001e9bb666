from . import test_bundle
from . import test_approval
from . import test_held_records
from . import test_held_creation_web
from . import test_bundle_hostile
