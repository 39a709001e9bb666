from . import logistics_customer_readable
from . import logistics_customer_thread
from . import logistics_milestone
from . import logistics_shipment
from . import mail_tracking_value
from . import res_partner
