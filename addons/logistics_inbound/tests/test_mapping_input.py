from odoo.exceptions import ValidationError

from .common import LogisticsInboundSourceCase


class TestMappingInput(LogisticsInboundSourceCase):
    """A source's code maps onto one canonical event: a second mapping of the same code
    and detail is refused, an empty detail included."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.profile = cls._create_profile()
        cls.carrier = cls._carrier_endpoint(cls._create_profile())

    def test_same_code_and_detail_twice_is_refused_naming_the_code(self):
        for owner, detail in (
            ({"profile_id": self.profile.id}, False),
            ({"profile_id": self.profile.id}, "LATE"),
            ({"endpoint_id": self.carrier.id}, False),
        ):
            values = {
                **owner,
                "raw_code": "AF",
                "raw_detail": detail,
                "event_type_id": self.event_types["in_transit"].id,
            }
            self.env["logistics.status.mapping"].create(values)
            with (
                self.subTest(owner=owner, detail=detail),
                self.assertRaisesRegex(ValidationError, "AF"),
                self.env.cr.savepoint(),
            ):
                self.env["logistics.status.mapping"].create(
                    {**values, "event_type_id": self.event_types["delivered"].id}
                )
        other = self._create_profile()
        self.assertTrue(self._map(other, "AF", "delivered"), "another profile maps it its way")
        self.assertTrue(self._map(self.profile, "AF", "delivered", detail="EARLY"))
