from . import logistics_change_model
from . import logistics_change_request
from . import logistics_change_request_line
from . import logistics_bundle_export
from . import base
