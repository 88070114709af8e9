"""Domain errors with stable codes.

The API turns every `DomainError` into RFC 9457 problem+json with its status.
Codes are part of the public contract: never rename one.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "domain-error"
    status = 400
    title = "The request breaks a rule"

    def __init__(self, detail: str | None = None, **extra: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.extra = extra


class InvalidInput(DomainError):
    code = "invalid-input"
    status = 422
    title = "The request is not valid"


class Unauthenticated(DomainError):
    code = "unauthenticated"
    status = 401
    title = "A valid API key is required"


class RateLimited(DomainError):
    """Too many requests; `retry_after` (seconds) also goes out as the Retry-After header."""

    code = "rate-limited"
    status = 429
    title = "Too many requests"

    def __init__(self, detail: str | None = None, *, retry_after: int) -> None:
        super().__init__(detail, retry_after=retry_after)
        self.retry_after = retry_after


class Forbidden(DomainError):
    code = "forbidden"
    status = 403
    title = "This key may not do that"


class NotFound(DomainError):
    code = "not-found"
    status = 404
    title = "No such object"


class NotAllowedInState(DomainError):
    code = "not-allowed-in-state"
    status = 409
    title = "Not allowed in the object's current state"


class OutOfStock(DomainError):
    code = "out-of-stock"
    status = 409
    title = "Not enough stock"


class Conflict(DomainError):
    code = "conflict"
    status = 409
    title = "The request conflicts with existing data"


class IdempotencyKeyReused(DomainError):
    code = "idempotency-key-reused"
    status = 422
    title = "This Idempotency-Key was used for a different request"


class InvalidSignature(DomainError):
    code = "invalid-signature"
    status = 401
    title = "The payment notification's signature does not verify"


class PaymentMismatch(DomainError):
    code = "payment-mismatch"
    status = 422
    title = "The payment does not match the order"



class BodyTooLarge(DomainError):
    code = "body-too-large"
    status = 413
    title = "The request body is too large"
