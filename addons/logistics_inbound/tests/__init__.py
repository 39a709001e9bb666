from . import test_paths
from . import test_times
from . import test_raw_ingest
from . import test_matching
from . import test_presets
from . import test_sample_wizard
from . import test_upgrade
from . import test_bridge_connect
