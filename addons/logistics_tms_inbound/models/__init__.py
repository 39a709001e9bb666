from . import logistics_endpoint
from . import logistics_freight_charge
from . import logistics_ingest
from . import logistics_shipment
from . import res_company
from . import res_config_settings
