from .common import LogisticsIntegrationCase


class TestEventType(LogisticsIntegrationCase):
    def test_the_catalogue_follows_the_event_types_created_changed_and_deleted(self):
        event_types = self.env["logistics.event.type"]
        known = event_types._get_catalogue()
        customs = event_types.create(
            {
                "name": "Customs cleared",
                "code": "customs_cleared",
                "rank": 35,
                "category": "administrative",
                "customer_visible": True,
            }
        )
        self.assertNotIn(customs.id, known)
        self.assertEqual(
            event_types._get_catalogue()[customs.id],
            ("customs_cleared", "administrative", 35, True),
        )
        customs.write({"rank": 36, "customer_visible": False})
        self.assertEqual(
            event_types._get_catalogue()[customs.id],
            ("customs_cleared", "administrative", 36, False),
        )
        customs.active = False
        self.assertIn(customs.id, event_types._get_catalogue(), "a milestone keeps its event")
        customs.unlink()
        self.assertNotIn(customs.id, event_types._get_catalogue())
