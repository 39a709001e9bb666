from odoo import fields, models, tools


class LogisticsBridgeCredential(models.Model):
    """Every credential of the inbound path that expires: one list for the overview.

    The inbound secrets the bridges verify sources with, and the API keys the bridge users
    call Odoo with. A secret is listed only while it is its recipe's last to expire: the
    old secret of a rotation, outlived by its successor, needs nobody's attention.
    Nothing secret is here: names, owners and expiry dates.
    """

    _name = "logistics.bridge.credential"
    _description = "Expiring Bridge Credential"
    _auto = False
    _order = "expires_at, id"
    # what a search reads: flushed first, so a credential just changed is listed as it is
    _depends = {
        "logistics.auth.secret": ["label", "recipe_id", "expires_at", "company_id", "active"],
        "logistics.auth.recipe": ["name", "endpoint_id", "active"],
        "logistics.endpoint": ["active"],
        "res.users.apikeys": ["name", "user_id", "expiration_date"],
        "res.users": ["company_id", "active", "groups_id"],
    }

    kind = fields.Selection(
        selection=[("inbound_secret", "Inbound secret"), ("api_key", "Bridge API key")],
        readonly=True,
    )
    name = fields.Char(readonly=True)
    secret_id = fields.Many2one(comodel_name="logistics.auth.secret", readonly=True)
    recipe_id = fields.Many2one(comodel_name="logistics.auth.recipe", readonly=True)
    endpoint_id = fields.Many2one(comodel_name="logistics.endpoint", readonly=True)
    user_id = fields.Many2one(comodel_name="res.users", string="Bridge User", readonly=True)
    expires_at = fields.Datetime(readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # ids: even for secrets, odd for API keys
        self.env.cr.execute(
            """
            CREATE VIEW logistics_bridge_credential AS (
                SELECT 2 * s.id AS id,
                       'inbound_secret' AS kind,
                       COALESCE(NULLIF(s.label, ''), r.name) AS name,
                       s.id AS secret_id,
                       r.id AS recipe_id,
                       r.endpoint_id AS endpoint_id,
                       NULL::integer AS user_id,
                       s.expires_at AS expires_at,
                       s.company_id AS company_id
                  FROM logistics_auth_secret s
                  JOIN logistics_auth_recipe r ON r.id = s.recipe_id AND r.active
                  JOIN logistics_endpoint e ON e.id = r.endpoint_id AND e.active
                 WHERE s.active
                   AND s.expires_at IS NOT NULL
                   AND NOT EXISTS (
                        SELECT 1 FROM logistics_auth_secret later
                         WHERE later.recipe_id = s.recipe_id
                           AND later.active
                           AND later.id != s.id
                           AND (later.expires_at IS NULL OR later.expires_at > s.expires_at)
                   )
                UNION ALL
                SELECT 2 * k.id + 1,
                       'api_key',
                       k.name,
                       NULL,
                       NULL,
                       NULL,
                       k.user_id,
                       k.expiration_date,
                       u.company_id
                  FROM res_users_apikeys k
                  JOIN res_users u ON u.id = k.user_id AND u.active
                 WHERE k.expiration_date IS NOT NULL
                   AND k.user_id IN (
                        SELECT rel.uid
                          FROM res_groups_users_rel rel
                          JOIN ir_model_data d
                            ON d.model = 'res.groups' AND d.res_id = rel.gid
                         WHERE d.module = 'logistics_inbound'
                           AND d.name = 'group_logistics_bridge'
                   )
            )
            """
        )
