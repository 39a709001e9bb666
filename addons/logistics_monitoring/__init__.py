from . import controllers
from . import models


def post_init_hook(env):
    """Endpoints existing before the install get their overview cards."""
    env["logistics.overview.card"]._sync_endpoint_cards()
