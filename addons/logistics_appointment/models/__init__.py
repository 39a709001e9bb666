from . import logistics_appointment_book_handler
from . import logistics_appointment_change
from . import logistics_appointment_slot
from . import logistics_endpoint
from . import logistics_ingest
from . import logistics_route_update
from . import logistics_shipment
