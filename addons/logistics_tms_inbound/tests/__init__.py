from . import test_ingest
from . import test_validation
from . import test_mapping
from . import test_sequence
from . import test_planning
from . import test_charges
from . import test_security
from . import test_contract_schema
