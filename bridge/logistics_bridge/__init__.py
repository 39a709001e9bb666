"""Thin bridge between a TMS and Odoo: authenticate callbacks, keep them, forward them."""

__version__ = "18.0.1.0.0"
