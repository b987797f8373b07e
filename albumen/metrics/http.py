"""Pure ASGI middleware counting requests by route template (``/api/assets/{id}``, never the raw path,
which would make one time series per asset)."""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from albumen.metrics import record_http_request

#: Label for requests no route matched (404s for unknown paths, probes of random URLs).
UNMATCHED = "unmatched"


class MetricsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            record_http_request(scope["method"], route_template(scope), status, time.perf_counter() - started)


def route_template(scope: Scope) -> str:
    """The matched route's path as declared (``/api/assets/{id}``).

    The router leaves the matched route in the (shared) scope, but an included router's route knows
    only its own path, not the prefix it was mounted under: the prefix is what the raw path holds
    before the part that route matched.
    """
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    if not isinstance(template, str):
        return UNMATCHED
    matched = template
    for name, value in (scope.get("path_params") or {}).items():
        matched = matched.replace("{" + name + "}", str(value))
    path: str = scope.get("path", "")
    if path.endswith(matched) and len(path) > len(matched):
        return path[: len(path) - len(matched)] + template
    return template
