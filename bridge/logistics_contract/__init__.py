"""The contract shared by the bridge and the Odoo addons: endpoint, recipe and registry models."""
