from . import logistics_inbound_sample
from . import logistics_inbound_sample_line
