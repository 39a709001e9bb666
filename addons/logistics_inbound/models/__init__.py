from . import logistics_inbound_profile
from . import logistics_status_mapping
from . import logistics_endpoint
from . import logistics_inbound_event
from . import logistics_milestone
from . import logistics_shipment
from . import logistics_ingest
from . import res_config_settings
