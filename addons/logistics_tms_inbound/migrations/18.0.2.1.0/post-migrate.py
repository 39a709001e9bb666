"""The TMS profile is loaded once (noupdate): give an existing one the tracking number's
path, unless an administrator already set one."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE logistics_inbound_profile profile
           SET path_tracking_number = 'payload.tracking_number'
          FROM ir_model_data data
         WHERE data.module = 'logistics_tms_inbound'
           AND data.model = 'logistics.inbound.profile'
           AND data.res_id = profile.id
           AND profile.path_tracking_number IS NULL
        """
    )
