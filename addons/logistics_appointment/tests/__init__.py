from . import test_appointment_events
from . import test_appointment_booking
from . import test_contract
from . import test_portal_appointment
from . import test_appointment_hostile_slots
from . import test_portal_appointment_hostile
