"""One command that runs the whole flow on this machine.

A fresh Odoo database with the addons and demo data, Odoo with its job
runner, the bridge and the TMS simulator, a handful of demo orders driven
through export, callbacks, milestones and charges, and a trace per order.
"""
