from . import logistics_freight_charge_decision
