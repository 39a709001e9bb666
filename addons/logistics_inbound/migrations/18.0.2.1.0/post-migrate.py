"""Kept events and conflicts are hashed again by the current content rules (18.0.2.1.0):
an X12 set's interchange date and time are not part of its content, a split element's
content holds what its profile reads outside it. The ingest compares with that hash alone."""

from odoo import SUPERUSER_ID, api

from odoo.addons.logistics_inbound.upgrade import rehash_kept_contents


def migrate(cr, version):
    if version:
        rehash_kept_contents(api.Environment(cr, SUPERUSER_ID, {}))
