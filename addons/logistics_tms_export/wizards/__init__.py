from . import logistics_tms_replay
