from . import logistics_carrier_bill_decision
