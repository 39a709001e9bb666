"""A TMS that speaks the generic contracts from the TMS side, for demos and tests.

It quotes rates (``tms-rate`` v1: three or four services priced from the weight and
the destination), accepts transport orders (``tms-order`` v1) and answers them like a real
TMS would, then reports each order's lifecycle back as signed callbacks
(``tms-event`` v1, Standard Webhooks signatures) to the bridge. Fault switches
make it misbehave the way real systems do.
"""
