"""Odoo's command line as a script file, like ``odoo-bin``.

Odoo's prefork server starts its gevent (websocket) process by running its own script
(``sys.argv[0]``) again; under ``python3 -m odoo`` that is ``odoo/__main__.py``, which
cannot run as a script: the process fails at once and is spawned again every second.
"""

import sys

import odoo.cli

if __name__ == "__main__":
    sys.exit(odoo.cli.main())
