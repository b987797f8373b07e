"""Readiness for load balancers and Kubernetes: ``GET /api/server/ready``.

Not an Immich operation (Immich has only ``/api/server/ping``); it sits beside the ``Server`` tag so
probes find both under one prefix.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from albumen.api.deps import State
from albumen.dto.health import ReadinessResponseDto
from albumen.services import health

router = APIRouter()


@router.get("/server/ready", responses={503: {"model": ReadinessResponseDto}})
async def get_server_readiness(state: State) -> JSONResponse:
    result = await health.readiness(state.database, state.settings)
    return JSONResponse(result.model_dump(), status_code=200 if result.ready else 503)
