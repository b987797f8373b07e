"""``/.well-known/immich``: where clients discover the API base (served outside ``/api``)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()


@router.get("/.well-known/immich", include_in_schema=False)
async def well_known() -> dict[str, dict[str, str]]:
    return {"api": {"endpoint": "/api"}}
