"""Allow ``python3 -m logistics_bridge``."""

import sys

from .cli import main

sys.exit(main())
