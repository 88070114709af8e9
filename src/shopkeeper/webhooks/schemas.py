"""Webhook request and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shopkeeper.api.schemas import In, stripped
from shopkeeper.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from shopkeeper.webhooks.service import SubscriptionChange, SubscriptionSpec

Url = Annotated[str, StringConstraints(min_length=8, max_length=500), stripped(8)]
Prefix = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Description = Annotated[str, StringConstraints(max_length=200), stripped()]
PREFIXES = Field(min_length=1, max_length=20, description="event type prefixes heard: `order.`, `case.`, `stock.`, "
                                                          "or a whole type such as `order.paid`")


class SubscriptionIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"url": "https://erp.example.com/hooks/shopkeeper", "event_types": ["order.", "stock."],
         "description": "ERP sync"}]})

    url: Url = Field(description="https; http only to localhost or 127.0.0.1 in development")
    event_types: list[Prefix] = PREFIXES
    description: Description = ""
    status: Literal["active", "paused"] = "active"

    def spec(self) -> SubscriptionSpec:
        return SubscriptionSpec(url=self.url, event_types=self.event_types, description=self.description,
                                status=self.status)


class SubscriptionPatch(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "paused"}]})

    url: Url | None = None
    event_types: list[Prefix] | None = Field(None, min_length=1, max_length=20)
    description: Description | None = None
    status: Literal["active", "paused"] | None = Field(None, description="pause: due attempts are cancelled")

    def change(self) -> SubscriptionChange:
        return SubscriptionChange(url=self.url, event_types=self.event_types, description=self.description,
                                  status=self.status)


class SubscriptionOut(BaseModel):
    """A subscription as listed: never its secret, which is shown once, when it is created."""

    id: int
    store_id: int
    url: str
    event_types: list[str]
    description: str
    status: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, row: WebhookSubscription) -> SubscriptionOut:
        return cls(id=row.id, store_id=row.store_id, url=row.url, event_types=list(row.event_types),
                   description=row.description, status=row.status, created_at=row.created_at,
                   updated_at=row.updated_at)


class SubscriptionCreated(SubscriptionOut):
    secret: str = Field(description="signs every request (`Shopkeeper-Signature`); shown this once, keep it safe")


class SubscriptionPage(BaseModel):
    items: list[SubscriptionOut]
    next_cursor: int | None = Field(description="pass back as `cursor` for the next page; null on the last")


class AttemptOut(BaseModel):
    number: int
    at: datetime
    status_code: int | None = Field(description="the receiver's answer; null when none came (see `error`)")
    error: str | None
    duration_ms: int
    resend: bool = Field(description="asked for by a person (resend), not a scheduled try")

    @classmethod
    def of(cls, row: WebhookAttempt) -> AttemptOut:
        return cls(number=row.number, at=row.at, status_code=row.status_code, error=row.error,
                   duration_ms=row.duration_ms, resend=row.resend)


class DeliveryOut(BaseModel):
    id: int
    subscription_id: int
    event_id: int = Field(description="`id` in the body and `Shopkeeper-Event-Id`: the same on every attempt")
    event_type: str
    status: Literal["pending", "delivered", "failed", "cancelled"]
    attempts: int
    next_attempt_at: datetime | None
    created_at: datetime
    delivered_at: datetime | None
    log: list[AttemptOut] = Field(description="every attempt, oldest first")

    @classmethod
    def of(cls, row: WebhookDelivery, attempts: list[WebhookAttempt]) -> DeliveryOut:
        return cls(id=row.id, subscription_id=row.subscription_id, event_id=row.event_id, event_type=row.event_type,
                   status=row.status, attempts=row.attempts, next_attempt_at=row.next_attempt_at,  # type: ignore[arg-type]
                   created_at=row.created_at, delivered_at=row.delivered_at, log=[AttemptOut.of(a) for a in attempts])


class DeliveryPage(BaseModel):
    items: list[DeliveryOut]
    next_cursor: int | None = Field(description="pass back as `cursor` for the next page; null on the last")
