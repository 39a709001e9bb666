from ..paths import CHARGE_FIELDS
from .common import LogisticsInboundSourceCase


class TestProfile(LogisticsInboundSourceCase):
    def test_new_profile_starts_empty(self):
        """A new profile proposes no source: nothing of another format to clear by hand."""
        profiles = self.env["logistics.inbound.profile"].with_user(self.integration_admin)
        defaults = profiles.default_get(list(profiles._fields))
        self.assertEqual({k: v for k, v in defaults.items() if k.startswith("path_")}, {})
        # created by the system: a person's new active profile may wait for approval
        profile = self.env["logistics.inbound.profile"].create(
            {
                "name": "Carrier Y webhook",
                "document_format": "json",
                "path_event_id": "event_id",
                "path_event_type": "=status",
                "path_shipment_reference": "document.ref",
            }
        )
        spec = profile._get_spec()
        self.assertEqual(
            {name for name, source in spec.scalars.items() if source},
            {"event_id", "event_type", "shipment_reference"},
        )
        self.assertEqual(spec.charges, dict.fromkeys(CHARGE_FIELDS, False))
