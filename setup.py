"""The project's Python distribution, ``logistics-integration``: the bridge, the shared
contract package, the TMS simulator and the demo.

The Odoo addons under ``addons/`` are not Python-packaged: Odoo loads them
from its ``addons_path``. They import ``logistics_contract`` (path grammar,
tms-event envelope, bounded JSON parsing, text PostgreSQL can keep, X12 and json
documents, endpoint, recipe and registry models), packaged here with the bridge so both
read inbound data alike; their manifests name this distribution, as Odoo wants a package name there.
The ``odoo`` extra pulls in what the addons need on a machine where Odoo 18 is
already installed; it cannot be installed without Odoo because
``odoo-addon-queue-job`` depends on the ``odoo`` distribution.
"""

from setuptools import find_packages, setup

setup(
    name="logistics-integration",
    version="18.0.1.0.0",
    description="Governed logistics integration for Odoo 18: bridge and shared contract",
    license="AGPL-3.0-or-later",
    python_requires=">=3.11",
    package_dir={"": "bridge"},
    packages=find_packages("bridge"),
    install_requires=[
        "requests>=2.31,<3",
        "pydantic>=2.6,<3",
        "pydantic-settings>=2.3,<3",
        "waitress>=3.0,<4",
        "httptools>=0.6",
        "standardwebhooks>=1.1,<2",
        "cryptography>=41",
        "prometheus-client>=0.20",
        "psycopg[binary]>=3.1,<4",
    ],
    extras_require={
        "odoo": [
            "odoo-addon-queue-job>=18.0.4,<18.1",
            "pytest-odoo>=2.1",
            "opentelemetry-sdk>=1.20,<2",
        ],
        "test": ["pytest>=8", "responses>=0.25", "hypothesis>=6.100", "schemathesis>=4.0,<5"],
    },
    entry_points={
        "console_scripts": [
            "logistics-bridge=logistics_bridge.cli:main",
            "logistics-tms-simulator=logistics_tms_simulator.cli:main",
            "logistics-demo=logistics_demo.cli:main",
        ],
    },
)
