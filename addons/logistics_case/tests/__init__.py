from . import test_case
