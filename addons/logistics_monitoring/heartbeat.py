"""The heartbeat a bridge reports to ``logistics.bridge.instance.report_heartbeat``.

Plain pydantic, no Odoo: the contract is checked at the boundary and every
problem names the field it is about.
"""

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationError

BRIDGE_STATES = ("pending", "forwarded", "rejected", "failed")


class HeartbeatError(ValueError):
    """A heartbeat that does not follow the contract; the message names the fields."""


class Heartbeat(BaseModel):
    """What one bridge process says about itself."""

    model_config = ConfigDict(extra="forbid")

    bridge_id: str = Field(min_length=1, max_length=128)
    host: str = Field(min_length=1, max_length=255)
    version: str = Field(min_length=1, max_length=64)
    endpoints: list[str] = Field(default_factory=list, max_length=200)
    counts: dict[str, int] = Field(default_factory=dict)
    oldest_pending_age_seconds: float | None = Field(default=None, ge=0)
    last_odoo_error: str | None = Field(default=None, max_length=2000)
    last_odoo_error_at: datetime | None = None
    interval_seconds: float = Field(gt=0)
    registry_version: int | None = Field(
        default=None, ge=0, description="The endpoint registry version the bridge runs."
    )

    def state_count(self, state):
        """Events of the bridge's inbox in ``state`` (0 when not reported)."""
        return max(self.counts.get(state, 0), 0)

    def error_time_naive_utc(self):
        """``last_odoo_error_at`` as Odoo stores datetimes: naive UTC."""
        moment = self.last_odoo_error_at
        if moment is None:
            return False
        if moment.tzinfo:
            moment = moment.astimezone(UTC)
        return moment.replace(tzinfo=None)


def parse_heartbeat(data):
    """Validate a heartbeat dict; raise ``HeartbeatError`` naming every wrong field."""
    if not isinstance(data, dict):
        raise HeartbeatError("a heartbeat must be a JSON object")
    try:
        return Heartbeat.model_validate(data)
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
            for error in exc.errors(include_input=False, include_url=False)
        ]
        raise HeartbeatError("; ".join(problems)) from None
