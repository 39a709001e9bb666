"""The contract shared by the bridge and the Odoo addons: path grammar, tms-event envelope,
bounded JSON parsing, X12 and json documents, endpoint, recipe and registry models."""
