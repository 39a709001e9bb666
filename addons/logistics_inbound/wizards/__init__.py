from . import logistics_inbound_sample
from . import logistics_inbound_sample_line
from . import logistics_auth_secret_wizard
