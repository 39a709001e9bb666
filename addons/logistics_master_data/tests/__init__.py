from . import test_contract
from . import test_change_detection
from . import test_send_now
from . import test_order_waits
from . import test_conflict
from . import test_multi_company
from . import test_tms_push
from . import test_overview_card
