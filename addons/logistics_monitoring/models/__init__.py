from . import logistics_bridge_instance
from . import logistics_integration_log
from . import logistics_overview
from . import logistics_overview_card
from . import logistics_shipment
from . import res_company
from . import res_config_settings
