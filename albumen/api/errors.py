"""Immich 3.x error bodies: ``{message}`` or ``{message: "Validation failed", errors: [...]}``."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse

from albumen.services import errors

logger = logging.getLogger(__name__)

STATUS_BY_ERROR: dict[type[errors.DomainError], int] = {
    errors.BadRequestError: 400,
    errors.UnauthorizedError: 401,
    errors.ForbiddenError: 403,
    errors.NotFoundError: 404,
    errors.ConflictError: 409,
    errors.PayloadTooLargeError: 413,
    errors.TooManyRequestsError: 429,
    errors.ServiceUnavailableError: 503,
}


def error_body(message: str, issues: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"message": message} if issues is None else {"message": message, "errors": issues}


def _validation_issues(error: RequestValidationError) -> list[dict[str, Any]]:
    issues = []
    for issue in error.errors():
        location = [str(part) for part in issue.get("loc", ())]
        # Drop FastAPI's "body"/"query"/"path" prefix: Immich's zod paths start at the field.
        path = (
            location[1:]
            if location and location[0] in ("body", "query", "path", "header", "cookie")
            else location
        )
        issues.append(
            {"code": issue.get("type", "invalid"), "path": path, "message": issue.get("msg", "Invalid")}
        )
    return issues


async def _domain_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, errors.DomainError)
    status = next(code for kind, code in STATUS_BY_ERROR.items() if isinstance(error, kind))
    headers = None
    if isinstance(error, errors.TooManyRequestsError):
        headers = {"Retry-After": str(error.retry_after_seconds)}
    return JSONResponse(error_body(error.message, error.errors), status_code=status, headers=headers)


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    return JSONResponse(error_body("Validation failed", _validation_issues(error)), status_code=400)


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    if (error.status_code == 404 and error.detail == "Not Found") or error.status_code == 405:
        message = f"Cannot {request.method} {request.url.path}"
    else:
        message = str(error.detail)
    return JSONResponse(error_body(message), status_code=error.status_code, headers=error.headers)


async def _unexpected_error(request: Request, error: Exception) -> JSONResponse:
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse(error_body("Internal server error"), status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(errors.DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
