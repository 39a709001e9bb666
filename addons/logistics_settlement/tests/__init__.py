from . import test_accrual
from . import test_audit_decisions
from . import test_contract
from . import test_finance_export
from . import test_governed_batches
from . import test_settlement
from . import test_user_form
