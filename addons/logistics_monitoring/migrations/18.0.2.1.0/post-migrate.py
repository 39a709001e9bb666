"""Bridge heartbeats belong to a company (18.0.2.1.0). The column was filled with the
upgrading user's company; a heartbeat is written by the bridge user it reports as, so
its last writer's company is the bridge's."""


def migrate(cr, version):
    if version:
        cr.execute(
            """
            UPDATE logistics_bridge_instance bridge
               SET company_id = bridge_user.company_id
              FROM res_users bridge_user
             WHERE bridge_user.id = bridge.write_uid
               AND bridge_user.company_id IS NOT NULL
            """
        )
