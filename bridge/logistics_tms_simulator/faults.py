"""Fault switches: how the simulated TMS misbehaves, on purpose."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

# How a failing order call fails: a 503, a 429 with Retry-After, or an answer
# held past the caller's read timeout after the order was taken (the caller
# cannot tell whether it was, which is what Idempotency-Key is for).
ORDER_FAILURE_MODES = ("5xx", "429", "timeout")


class Faults(BaseModel):
    """Each switch reproduces a failure seen in real integrations."""

    duplicate_callbacks: bool = Field(
        default=False, description="Send every callback twice (same webhook-id)."
    )
    callback_copies: int = Field(
        default=1,
        ge=1,
        le=10,
        description="Send every callback this many times (same webhook-id); "
        "--duplicate-callbacks makes it at least 2.",
    )
    shuffle_callbacks: bool = Field(
        default=False, description="Send an order's callbacks, copies included, in random order."
    )
    unknown_status_codes: bool = Field(
        default=False, description="Report one status with a code nobody mapped."
    )
    charges_out_of_tolerance: bool = Field(
        default=False, description="Bill 30% more than the order's expected freight."
    )
    order_error_rate: float = Field(
        default=0.0, ge=0.0, le=1.0, description="Share of order (and rate) calls that fail."
    )
    order_failure_modes: str = Field(
        default="5xx",
        description="How failing order (and rate) calls fail, comma-separated among "
        + ", ".join(ORDER_FAILURE_MODES)
        + " (one picked at random per call).",
    )
    order_timeout_seconds: float = Field(
        default=35.0,
        ge=0.0,
        description="How long a 'timeout' failure holds its answer (the order is taken).",
    )
    order_delay_seconds: float = Field(
        default=0.0, ge=0.0, description="Delay before answering an order (or rate) call."
    )
    damaged_orders: str = Field(
        default="",
        description="Transport orders (1-based, in the order they reached the TMS, "
        "comma-separated) that report damage (A9, reason AK) before delivery.",
    )

    @field_validator("order_failure_modes")
    @classmethod
    def _known_modes(cls, value: str) -> str:
        modes = [mode.strip() for mode in value.split(",") if mode.strip()]
        unknown = sorted(set(modes) - set(ORDER_FAILURE_MODES))
        if not modes or unknown:
            raise ValueError(
                f"unknown failure mode(s) {', '.join(unknown) or '(none given)'}; "
                f"choose among {', '.join(ORDER_FAILURE_MODES)}"
            )
        return ",".join(modes)

    @field_validator("damaged_orders")
    @classmethod
    def _order_positions(cls, value: str) -> str:
        positions = [part.strip() for part in value.split(",") if part.strip()]
        wrong = [part for part in positions if not part.isdigit() or int(part) < 1]
        if wrong:
            raise ValueError(
                f"order position(s) {', '.join(wrong)} are not whole numbers from 1 up"
            )
        return ",".join(positions)

    @property
    def damaged_positions(self) -> frozenset[int]:
        """Positions of the transport orders that report damage before delivery."""
        return frozenset(int(part) for part in self.damaged_orders.split(",") if part)

    @property
    def failure_modes(self) -> tuple[str, ...]:
        return tuple(self.order_failure_modes.split(","))

    @property
    def copies(self) -> int:
        """How many times each callback is sent."""
        return max(self.callback_copies, 2 if self.duplicate_callbacks else 1)
