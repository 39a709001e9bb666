from . import logistics_master_data_state
from . import logistics_master_data_sync
from . import logistics_master_data_handler
from . import logistics_data_ownership
from . import logistics_endpoint
from . import logistics_shipment
from . import logistics_tms_export
from . import product_template
