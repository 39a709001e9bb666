from odoo import fields, models


class LogisticsBridgeConnectResult(models.AbstractModel):
    """The bridge's ``[odoo]`` settings with its new API key, shown once.

    Abstract on purpose: the values travel in the action's context to the
    dialog and are never written to the database, so closing the dialog is the
    end of the key in clear.
    """

    _name = "logistics.bridge.connect.result"
    _description = "Bridge Settings, Shown Once"

    # Needed by the form's onchange, as in Odoo's own "API Key Ready" dialog.
    id = fields.Id()
    login = fields.Char(readonly=True)
    expiration_date = fields.Datetime(string="Key expires on", readonly=True)
    snippet = fields.Text(string="Bridge settings", readonly=True)
