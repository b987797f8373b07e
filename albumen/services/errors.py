"""Domain errors. Services raise these; the API turns each into Immich's error body and status."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base class; ``message`` is what the client sees."""

    def __init__(self, message: str, *, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors


class BadRequestError(DomainError):
    pass


class UnauthorizedError(DomainError):
    pass


class ForbiddenError(DomainError):
    pass


class NotFoundError(DomainError):
    pass


class ConflictError(DomainError):
    pass


class PayloadTooLargeError(DomainError):
    pass


class TooManyRequestsError(DomainError):
    def __init__(self, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class ServiceUnavailableError(DomainError):
    pass
