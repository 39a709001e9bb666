"""The contract shared by the bridge and the Odoo addons: path grammar, tms-event envelope,
bounded JSON parsing, text PostgreSQL can keep, X12 and json documents, endpoint, recipe and
registry models."""
