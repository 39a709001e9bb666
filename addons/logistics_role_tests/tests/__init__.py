from . import test_role_tours
