"""Fault switches: how the simulated TMS misbehaves, on purpose."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Faults(BaseModel):
    """Each switch reproduces a failure seen in real integrations."""

    duplicate_callbacks: bool = Field(
        default=False, description="Send every callback twice (same webhook-id)."
    )
    shuffle_callbacks: bool = Field(
        default=False, description="Send an order's callbacks in random order."
    )
    unknown_status_codes: bool = Field(
        default=False, description="Report one status with a code nobody mapped."
    )
    charges_out_of_tolerance: bool = Field(
        default=False, description="Bill 30% more than the order's expected freight."
    )
    order_error_rate: float = Field(
        default=0.0, ge=0.0, le=1.0, description="Share of order calls answered 503."
    )
    order_delay_seconds: float = Field(
        default=0.0, ge=0.0, description="Delay before answering an order call."
    )
