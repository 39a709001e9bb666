from . import test_contract
from . import test_send
from . import test_trigger
from . import test_update_cancel
from . import test_wire
from . import test_exchange_types
from . import test_migration
from . import test_closed_shipments
