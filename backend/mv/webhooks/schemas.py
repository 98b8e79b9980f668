"""Webhook answer shapes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class WebhookReceived(BaseModel):
    """A verified delivery: `delivered` when a job in this process was waiting on the prediction."""

    status: Literal["accepted"]
    delivered: bool
