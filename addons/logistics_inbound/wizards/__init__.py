from . import logistics_inbound_sample
from . import logistics_inbound_sample_line
from . import logistics_bridge_connect
from . import logistics_bridge_connect_result
from . import logistics_auth_secret_wizard
from . import logistics_onboarding_wizard
from . import logistics_onboarding_mapping
