from psycopg2.errors import UniqueViolation

from odoo.tools import mute_logger

from .common import LogisticsShipmentCase


class TestCarrierResolver(LogisticsShipmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.freight = cls.env["product.product"].create({"name": "Freight", "type": "service"})
        cls.road = cls._create_carrier("Road Express", logistics_carrier_code="ROADX")
        # Another carrier whose *name* is the first one's code: the code wins.
        cls.roadx_named = cls._create_carrier("ROADX")
        cls.under = cls._create_carrier("Sea_Line")
        cls.other_endpoint = cls._create_endpoint(code="other_tms", name="Other TMS")
        cls.Carrier = cls.env["delivery.carrier"]

    @classmethod
    def _create_carrier(cls, name, **values):
        return cls.env["delivery.carrier"].create(
            {"name": name, "product_id": cls.freight.id, **values}
        )

    def test_code_then_name_case_insensitive(self):
        resolved = self.Carrier._logistics_resolve(["ROADX", "road express"], self.endpoint)
        self.assertEqual(resolved, {"ROADX": self.road, "road express": self.road})

    def test_name_is_matched_literally(self):
        self.assertEqual(
            self.Carrier._logistics_resolve(["sea_line"], self.endpoint), {"sea_line": self.under}
        )
        # "_" and "%" are not wildcards.
        self.assertEqual(self.Carrier._logistics_resolve(["Sea%", "SeaXLine"], self.endpoint), {})

    def test_alias_belongs_to_its_source(self):
        self.env["logistics.carrier.alias"].create(
            {"endpoint_id": self.endpoint.id, "alias": "RX-01", "carrier_id": self.road.id}
        )
        self.assertEqual(
            self.Carrier._logistics_resolve(["RX-01"], self.endpoint), {"RX-01": self.road}
        )
        self.assertEqual(self.Carrier._logistics_resolve(["RX-01"], self.other_endpoint), {})
        self.assertEqual(self.road.logistics_alias_ids.alias, "RX-01")

    def test_code_and_name_come_before_an_alias(self):
        self.env["logistics.carrier.alias"].create(
            {"endpoint_id": self.endpoint.id, "alias": "Sea_Line", "carrier_id": self.road.id}
        )
        self.assertEqual(
            self.Carrier._logistics_resolve(["Sea_Line"], self.endpoint), {"Sea_Line": self.under}
        )

    def test_carriers_of_other_companies_and_unknown_names_are_left_out(self):
        self._create_carrier("Foreign Freight", company_id=self.other_company.id)
        self.assertEqual(
            self.Carrier._logistics_resolve(["Foreign Freight", "Nobody", "", None], self.endpoint),
            {},
        )
        self.assertEqual(self.Carrier._logistics_resolve([], self.endpoint), {})

    def test_an_alias_is_unique_per_source(self):
        alias = {"endpoint_id": self.endpoint.id, "alias": "RX", "carrier_id": self.road.id}
        self.env["logistics.carrier.alias"].create(alias)
        self.env["logistics.carrier.alias"].create(dict(alias, endpoint_id=self.other_endpoint.id))
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(UniqueViolation),
            self.env.cr.savepoint(),
        ):
            self.env["logistics.carrier.alias"].create(dict(alias, carrier_id=self.under.id))
